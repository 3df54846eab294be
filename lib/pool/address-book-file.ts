import { readFile, rename, writeFile } from 'node:fs/promises';
import { AddressBook, type AddressBookLimits, type AddressEntry } from './address-book.js';
import { BanList, type Ban } from './ban-list.js';

/** What {@link loadAddressBook} read. */
export interface LoadedAddressBook {
  /** The addresses (empty when the file was missing or unreadable). */
  book: AddressBook;
  /** Bans still in force. */
  bans: BanList;
  /** Set when the file existed but could not be used; the book then starts empty. */
  warning?: string;
}

/** File format marker and version. */
const FORMAT = 'rxbtc-address-book';
const VERSION = 1;

/** A saved entry: the services as a decimal string (JSON has no bigint). */
type SavedEntry = Omit<AddressEntry, 'services'> & { services: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function entryFrom(v: unknown): AddressEntry | undefined {
  if (!isRecord(v)) return undefined;
  const { host, port, services, timestamp, source, attempts, lastAttempt, lastSuccess, nextAttempt, tried, fixed } = v;
  if (typeof host !== 'string' || host.length === 0 || host.length > 255 || !isCount(port) || port > 65535) return undefined;
  if (typeof services !== 'string' || !/^\d{1,20}$/.test(services) || typeof source !== 'string') return undefined;
  if (![timestamp, attempts, lastAttempt, lastSuccess, nextAttempt].every(isCount)) return undefined;
  if (typeof tried !== 'boolean' || typeof fixed !== 'boolean') return undefined;
  return {
    host,
    port,
    services: BigInt(services),
    timestamp: timestamp as number,
    source,
    attempts: attempts as number,
    lastAttempt: lastAttempt as number,
    lastSuccess: lastSuccess as number,
    nextAttempt: nextAttempt as number,
    tried,
    fixed,
  };
}

function banFrom(v: unknown): Ban | undefined {
  if (!isRecord(v) || typeof v['host'] !== 'string' || !isCount(v['until']) || typeof v['reason'] !== 'string') return undefined;
  const port = v['port'];
  if (port !== undefined && (!isCount(port) || port > 65535)) return undefined;
  return { host: v['host'], ...(port === undefined ? {} : { port }), until: v['until'], reason: v['reason'] };
}

/**
 * Read an address book saved by {@link saveAddressBook}. A missing file is an
 * empty book; a corrupt one (not JSON, another format, another network) is
 * an empty book with a `warning` — never an exception. Malformed entries are
 * skipped one by one.
 * @param path - the file
 * @param network - the network's name; a book of another network is not used
 * @param now - ms since 1970, to drop expired bans
 * @param limits - table sizes of the new book
 */
export async function loadAddressBook(
  path: string,
  network: string,
  now: number,
  limits: AddressBookLimits = {},
): Promise<LoadedAddressBook> {
  const book = new AddressBook(limits);
  const bans = new BanList();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { book, bans };
    return { book, bans, warning: `cannot read the address book ${path}: ${(e as Error).message}; starting empty` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { book, bans, warning: `the address book ${path} is corrupt (not JSON); starting empty` };
  }
  if (!isRecord(data) || data['format'] !== FORMAT || data['version'] !== VERSION || !Array.isArray(data['entries'])) {
    return { book, bans, warning: `the address book ${path} is not an rxbtc address book (version ${VERSION}); starting empty` };
  }
  if (data['network'] !== network) {
    return { book, bans, warning: `the address book ${path} is for ${String(data['network'])}, not ${network}; starting empty` };
  }
  let skipped = 0;
  for (const raw of data['entries']) {
    const entry = entryFrom(raw);
    if (entry) book.restore(entry);
    else skipped++;
  }
  for (const raw of Array.isArray(data['bans']) ? data['bans'] : []) {
    const ban = banFrom(raw);
    if (ban && ban.until > now) bans.ban(ban.host, ban.until, ban.reason, ban.port);
  }
  return skipped > 0
    ? { book, bans, warning: `the address book ${path} had ${skipped} malformed entries; they were skipped` }
    : { book, bans };
}

/**
 * Write the book and the bans in force atomically (a temporary file renamed
 * over the old one), so a crash mid-write leaves the previous book.
 * @param path - the file
 * @param network - the network's name, checked on load
 * @param book - the addresses
 * @param bans - bans in force at `now` are saved
 * @param now - ms since 1970
 */
export async function saveAddressBook(path: string, network: string, book: AddressBook, bans: BanList, now: number): Promise<void> {
  const entries: SavedEntry[] = book.all().map((e) => ({ ...e, services: e.services.toString() }));
  const body = JSON.stringify({ format: FORMAT, version: VERSION, network, saved: now, entries, bans: bans.active(now) });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, path);
}
