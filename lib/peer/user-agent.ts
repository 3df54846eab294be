/** A BIP14 user-agent component: name, version and optional comments. */
export interface UserAgent {
  /** Application name, without `/ : ( )`. */
  name: string;
  /** Application version, without `/ : ( )`. */
  version: string;
  /** Optional comments, shown in parentheses. */
  comments?: string[];
}

/** rxbtc's own user-agent component, always first. */
export const RXBTC_USER_AGENT: UserAgent = { name: 'rxbtc', version: '0.1.0' };

const ILLEGAL = /[/:()]/;

/**
 * Format user-agent components the BIP14 way: `/rxbtc:0.1.0/app:1.2(comment)/`.
 * @throws TypeError when a name or version holds `/ : ( )`
 */
export function formatUserAgent(...parts: UserAgent[]): string {
  let out = '/';
  for (const p of parts) {
    if (ILLEGAL.test(p.name) || ILLEGAL.test(p.version)) throw new TypeError(`user agent "${p.name}:${p.version}" contains one of / : ( )`);
    const comments = p.comments?.length ? `(${p.comments.join('; ')})` : '';
    out += `${p.name}:${p.version}${comments}/`;
  }
  return out;
}
