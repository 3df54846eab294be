import { createServer, type AddressInfo, type Server, type Socket, connect } from 'node:net';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { TransportError, connectTcp, listenTcp, memoryPair, type Connection } from '../../lib/index.js';

function startServer(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer(onSocket);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

describe('memoryPair', () => {
  it('delivers writes in order to the other side and closes both', async () => {
    const [a, b] = memoryPair();
    const got = lastValueFrom(b.bytes$.pipe(toArray()));
    await a.write(Uint8Array.of(1));
    await a.write(Uint8Array.of(2, 3));
    a.close();
    expect(await got).toEqual([Uint8Array.of(1), Uint8Array.of(2, 3)]);
    await b.closed;
    await expect(b.write(Uint8Array.of(4))).rejects.toBeInstanceOf(TransportError);
  });
});

describe('TCP on loopback', () => {
  it('connects, exchanges bytes both ways and reports the remote address', async () => {
    const listener = await listenTcp({ port: 0 });
    const accepted = firstValueFrom(listener.connections$);
    const client = await connectTcp({ host: '127.0.0.1', port: listener.port });
    const server = await accepted;
    expect(client.remoteAddress).toBe(`127.0.0.1:${listener.port}`);
    const fromClient = firstValueFrom(server.bytes$);
    await client.write(new TextEncoder().encode('hello'));
    expect(new TextDecoder().decode(await fromClient)).toBe('hello');
    const fromServer = firstValueFrom(client.bytes$);
    await server.write(Uint8Array.of(9));
    expect(await fromServer).toEqual(Uint8Array.of(9));
    client.close();
    await server.closed;
    await listener.close();
  });

  it('applies back-pressure: a write to a peer that does not read stays pending until it reads', async () => {
    let remote: Socket | undefined;
    const { server, port } = await startServer((s) => {
      remote = s;
      s.pause();
    });
    const client = await connectTcp({ host: '127.0.0.1', port });
    const big = new Uint8Array(8 * 1024 * 1024);
    let done = false;
    const write = client.write(big).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 100)); // real socket I/O, not a timing assertion
    expect(done).toBe(false);
    remote!.resume();
    await write;
    expect(done).toBe(true);
    client.close();
    remote!.destroy();
    server.close();
  });

  it('rejects writes after close with a TransportError', async () => {
    const { server, port } = await startServer((s) => s.resume());
    const client = await connectTcp({ host: '127.0.0.1', port });
    client.close();
    await client.closed;
    await expect(client.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'closed' });
    server.close();
  });

  it('reports a refused connection as connect-failed', async () => {
    const { server, port } = await startServer(() => undefined);
    await new Promise<void>((r) => server.close(() => r()));
    await expect(connectTcp({ host: '127.0.0.1', port })).rejects.toMatchObject({ name: 'TransportError', code: 'connect-failed' });
  });

  it('completes bytes$ when the remote closes', async () => {
    const { server, port } = await startServer((s) => s.end(Uint8Array.of(7)));
    const client = await connectTcp({ host: '127.0.0.1', port });
    expect(await lastValueFrom(client.bytes$.pipe(toArray()))).toEqual([Uint8Array.of(7)]);
    server.close();
  });

  it('closes a connection that reaches a listener nobody subscribes to, instead of leaving it open', async () => {
    const listener = await listenTcp({ port: 0 });
    const first = await connectTcp({ host: '127.0.0.1', port: listener.port });
    const ended = (c: Connection): Promise<Uint8Array[]> => lastValueFrom(c.bytes$.pipe(toArray()));
    expect(await ended(first)).toEqual([]); // nobody subscribed yet: closed by the listener
    const accepted = firstValueFrom(listener.connections$);
    const second = await connectTcp({ host: '127.0.0.1', port: listener.port });
    const server = await accepted; // delivered while subscribed
    const third = await connectTcp({ host: '127.0.0.1', port: listener.port });
    expect(await ended(third)).toEqual([]); // firstValueFrom unsubscribed again
    const got = firstValueFrom(server.bytes$);
    await second.write(Uint8Array.of(9));
    expect(await got).toEqual(Uint8Array.of(9));
    second.close();
    server.close();
    await listener.close();
  });
});

describe('SOCKS5', () => {
  /** A minimal no-auth SOCKS5 server on loopback that records the requested target and forwards to it. */
  async function socksProxy(): Promise<{ port: number; requests: string[]; close(): void }> {
    const requests: string[] = [];
    const { server, port } = await startServer((client) => {
      client.once('data', () => {
        client.write(Uint8Array.of(5, 0));
        client.once('data', (req: Buffer) => {
          const atyp = req[3]!;
          let host: string;
          let at: number;
          if (atyp === 3) {
            host = req.subarray(5, 5 + req[4]!).toString('ascii');
            at = 5 + req[4]!;
          } else {
            host = Array.from(req.subarray(4, 8)).join('.');
            at = 8;
          }
          const targetPort = req.readUInt16BE(at);
          requests.push(`${atyp}:${host}:${targetPort}`);
          if (host === 'refused.example') {
            client.end(Uint8Array.of(5, 5, 0, 1, 0, 0, 0, 0, 0, 0));
            return;
          }
          const upstream = connect(targetPort, host === 'localhost' ? '127.0.0.1' : host, () => {
            client.write(Uint8Array.of(5, 0, 0, 1, 127, 0, 0, 1, 0, 0));
            client.pipe(upstream).pipe(client);
          });
        });
      });
    });
    return { port, requests, close: () => server.close() };
  }

  it('passes the hostname to the proxy unresolved and then carries the peer bytes', async () => {
    const proxy = await socksProxy();
    const listener = await listenTcp({ port: 0 });
    const accepted = firstValueFrom(listener.connections$);
    const client: Connection = await connectTcp({ host: 'localhost', port: listener.port, proxy: `socks5://127.0.0.1:${proxy.port}` });
    expect(proxy.requests).toEqual([`3:localhost:${listener.port}`]);
    const server = await accepted;
    const got = firstValueFrom(server.bytes$.pipe(take(1)));
    await client.write(Uint8Array.of(1, 2, 3));
    expect(await got).toEqual(Uint8Array.of(1, 2, 3));
    client.close();
    server.close();
    await listener.close();
    proxy.close();
  });

  it('reports a proxy refusal as proxy-failed with the reason', async () => {
    const proxy = await socksProxy();
    await expect(connectTcp({ host: 'refused.example', port: 8333, proxy: { host: '127.0.0.1', port: proxy.port } })).rejects.toMatchObject(
      {
        code: 'proxy-failed',
        message: expect.stringContaining('connection refused') as string,
      },
    );
    proxy.close();
  });
});
