import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AddressBook, BanList, loadAddressBook, saveAddressBook } from '../../lib/index.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir('rxbtc-book-');
let n = 0;
const file = (): string => join(dir, `book-${n++}.json`);

async function saved(): Promise<string> {
  const path = file();
  const book = new AddressBook();
  book.add([{ host: '127.1.0.1', port: 18444, services: 1033n, timestamp: 1_700_000_000 }], 'self', true);
  book.add(
    [{ host: 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion', port: 8333, services: 1n, timestamp: 5 }],
    '127.2.0.1',
  );
  book.good({ host: '127.1.0.1', port: 18444 }, 42_000);
  const bans = new BanList();
  bans.ban('127.9.0.1', 10_000, 'invalid headers');
  bans.ban('127.7.0.1', 10_000, 'a named liar', 18445); // one endpoint of a host
  bans.ban('127.8.0.1', 100, 'expired');
  await saveAddressBook(path, 'regtest', book, bans, 1000);
  return path;
}

describe('address book file', () => {
  it('round-trips entries (bookkeeping, services as bigint, tried flag) and the bans still in force', async () => {
    const path = await saved();
    const { book, bans, warning } = await loadAddressBook(path, 'regtest', 2000);
    expect(warning).toBeUndefined();
    expect(book.size).toBe(2);
    expect(book.get({ host: '127.1.0.1', port: 18444 })).toMatchObject({ services: 1033n, tried: true, fixed: true, lastSuccess: 42_000 });
    expect(book.get({ host: 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion', port: 8333 })?.source).toBe('ipv4:127.2');
    expect(bans.active(2000).map((b) => [b.host, b.port])).toEqual([
      ['127.9.0.1', undefined],
      ['127.7.0.1', 18445],
    ]);
    expect(bans.get('127.7.0.1', 2000)).toBeUndefined(); // the host's other ports are free
    expect(bans.get('127.7.0.1', 2000, 18445)?.reason).toBe('a named liar');
    expect((await loadAddressBook(path, 'regtest', 20_000)).bans.active(20_000)).toEqual([]);
  });

  it('starts empty without a warning when the file does not exist', async () => {
    const r = await loadAddressBook(join(dir, 'none.json'), 'regtest', 0);
    expect(r.book.size).toBe(0);
    expect(r.warning).toBeUndefined();
  });

  it('starts empty with a warning, never throwing, when the file is corrupt at any length', async () => {
    const good = readFileSync(await saved(), 'utf8');
    for (const cut of [0, 1, 10, good.length >> 1, good.length - 1]) {
      const path = file();
      writeFileSync(path, good.slice(0, cut));
      const r = await loadAddressBook(path, 'regtest', 0);
      expect(r.book.size).toBe(0);
      expect(r.warning).toMatch(/corrupt|not an rxbtc/);
    }
    const garbage = file();
    writeFileSync(garbage, Buffer.from([0xff, 0x00, 0x13, 0x37]));
    expect((await loadAddressBook(garbage, 'regtest', 0)).warning).toMatch(/corrupt/);
  });

  it('refuses a book of another network, and skips malformed entries one by one', async () => {
    const path = await saved();
    expect((await loadAddressBook(path, 'mainnet', 0)).warning).toMatch(/for regtest, not mainnet/);
    const data = JSON.parse(readFileSync(path, 'utf8')) as { entries: unknown[] };
    data.entries.push({ host: 'x', port: 70000 }, 'nonsense', { ...(data.entries[0] as object), host: '127.3.0.1', services: '-1' });
    writeFileSync(path, JSON.stringify(data));
    const r = await loadAddressBook(path, 'regtest', 0);
    expect(r.book.size).toBe(2);
    expect(r.warning).toMatch(/3 malformed entries/);
  });
});
