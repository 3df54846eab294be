/** A dialable peer address: an IP or host name and a TCP port. */
export interface Endpoint {
  /** IPv4 (`1.2.3.4`), IPv6 without brackets (`2001:db8::1`), or a name (`x.onion`, `seed.example`). */
  host: string;
  /** TCP port. */
  port: number;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new RangeError(`not a TCP port: ${text}`);
  return port;
}

/**
 * Split `HOST`, `HOST:PORT`, `[IPv6]` or `[IPv6]:PORT`; a bare IPv6 address
 * (several colons, no brackets) takes the default port.
 * @throws RangeError for a missing host or a bad port
 */
export function parseEndpoint(text: string, defaultPort: number): Endpoint {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? parsePort(bracketed[2]) : defaultPort };
  if (text.split(':').length - 1 === 1) {
    const [host, port] = text.split(':') as [string, string];
    if (!host) throw new RangeError(`missing host in ${text}`);
    return { host, port: parsePort(port) };
  }
  if (!text) throw new RangeError('missing host');
  return { host: text, port: defaultPort };
}

/** `host:port`, with IPv6 hosts in brackets: the key of an address everywhere in the pool. */
export function endpointKey(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as its IPv4 address; any other host unchanged. */
export function unmapIpv4(host: string): string {
  return host.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

/**
 * The endpoint of a socket's remote address (`1.2.3.4:8333`, `[2001:db8::1]:8333`,
 * or Node's unbracketed `::ffff:1.2.3.4:8333`), IPv4-mapped hosts unmapped;
 * port 0 when the text has none.
 */
export function remoteEndpoint(remote: string): Endpoint {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(remote);
  return m ? { host: unmapIpv4(m[1]!), port: Number(m[2]) } : { host: remote, port: 0 };
}
