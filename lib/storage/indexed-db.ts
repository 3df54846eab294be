import { StoreError, StoreErrorCode } from './store-error.js';

/*
 * The raw IndexedDB API, typed structurally (rxbtc's TypeScript has no DOM
 * library) and wrapped in promises where rxbtc needs them. The `idb` package
 * would do that too; rxbtc uses five operations and a dependency for them
 * would be most of its storage code.
 */

/** An IndexedDB error (a `DOMException`). */
export interface IdbErrorLike {
  /** Its name: `QuotaExceededError`, `AbortError`, … */
  name: string;
  /** What happened. */
  message: string;
}

/** A list of object store names. */
export interface IdbNameListLike {
  /** Whether it holds `name`. */
  contains(name: string): boolean;
}

/** An IndexedDB request: its result, or its error, once `onsuccess` or `onerror` fired. */
export interface IdbRequestLike<T> {
  /** The result, once `onsuccess` fired. */
  readonly result: T;
  /** The error, once `onerror` (or for a transaction `onabort`) fired. */
  readonly error: IdbErrorLike | null;
  /** Called on success. */
  onsuccess: (() => void) | null;
  /** Called on failure. */
  onerror: (() => void) | null;
}

/** The request `indexedDB.open` returns. */
export interface IdbOpenRequestLike extends IdbRequestLike<IdbDatabaseLike> {
  /** Called to create the object stores of a new database. */
  onupgradeneeded: (() => void) | null;
  /** Called when another connection holds an older version open. */
  onblocked: (() => void) | null;
}

/** An object store, as rxbtc uses one: values by integer key. */
export interface IdbObjectStoreLike {
  /** Write a value under a key. */
  put(value: unknown, key?: number): IdbRequestLike<unknown>;
  /** Add a value under the next generated key. */
  add(value: unknown): IdbRequestLike<unknown>;
  /** Delete a key. */
  delete(key: number): IdbRequestLike<unknown>;
  /** Delete every value. */
  clear(): IdbRequestLike<unknown>;
  /** Every value, in key order. */
  getAll(): IdbRequestLike<unknown[]>;
  /** Every key, in order. */
  getAllKeys(): IdbRequestLike<unknown[]>;
}

/** A transaction over some object stores. */
export interface IdbTransactionLike {
  /** An object store of the transaction. */
  objectStore(name: string): IdbObjectStoreLike;
  /** The error, once `onerror` (or for a transaction `onabort`) fired. */
  readonly error: IdbErrorLike | null;
  /** Called once committed. */
  oncomplete: (() => void) | null;
  /** Called on failure. */
  onerror: (() => void) | null;
  /** Called when aborted (a used-up quota aborts). */
  onabort: (() => void) | null;
}

/** An open database. */
export interface IdbDatabaseLike {
  /** Names of its object stores. */
  readonly objectStoreNames: IdbNameListLike;
  /** Create an object store (only while upgrading). */
  createObjectStore(name: string, options?: { autoIncrement?: boolean }): unknown;
  /** Start a transaction. */
  transaction(
    stores: string | string[],
    mode: 'readonly' | 'readwrite',
    options?: { durability?: 'strict' | 'relaxed' | 'default' },
  ): IdbTransactionLike;
  /** Close the connection. */
  close(): void;
  /** Called when another tab wants to upgrade the database. */
  onversionchange: (() => void) | null;
}

/** `indexedDB` (a browser's, or `fake-indexeddb`'s). */
export interface IdbFactoryLike {
  /** Open a database. */
  open(name: string, version?: number): IdbOpenRequestLike;
}

/** The schema version of rxbtc's databases. */
const VERSION = 1;

/** The global `indexedDB`, or undefined where there is none (Node). */
export function globalIndexedDb(): IdbFactoryLike | undefined {
  return (globalThis as { indexedDB?: IdbFactoryLike }).indexedDB;
}

/** Where an rxbtc IndexedDB store finds IndexedDB. */
export interface IndexedDbOptions {
  /** The IndexedDB to use. @default globalThis.indexedDB */
  indexedDB?: IdbFactoryLike;
}

/** The `indexedDB` to use, or a StoreError where there is none. */
export function indexedDbOf(name: string, options: IndexedDbOptions): IdbFactoryLike {
  const factory = options.indexedDB ?? globalIndexedDb();
  if (!factory) throw new StoreError(StoreErrorCode.Io, `IndexedDB ${name}`, 'cannot be opened: this runtime has no indexedDB');
  return factory;
}

/** A failed IndexedDB operation as a {@link StoreError}: a full quota is `full`, anything else `io`. */
export function idbError(name: string, error: IdbErrorLike | null | undefined, what: string): StoreError {
  const code = error?.name === 'QuotaExceededError' ? StoreErrorCode.Full : StoreErrorCode.Io;
  const why = code === StoreErrorCode.Full ? 'is full (the browser’s storage quota is used up)' : `${what} failed`;
  return new StoreError(code, `IndexedDB ${name}`, `${why}: ${error?.name ?? 'Error'}: ${error?.message ?? ''}`, { cause: error });
}

/**
 * Open (creating when missing) the database `name` with these object stores
 * (those named in `autoIncrement` get generated keys).
 * @throws StoreError `blocked` when another tab holds an older version open, `io` otherwise
 */
export function openIndexedDb(
  factory: IdbFactoryLike,
  name: string,
  stores: readonly string[],
  autoIncrement: readonly string[] = [],
): Promise<IdbDatabaseLike> {
  return new Promise((resolve, reject) => {
    let request: IdbOpenRequestLike;
    try {
      request = factory.open(name, VERSION);
    } catch (e) {
      reject(new StoreError(StoreErrorCode.Io, `IndexedDB ${name}`, `cannot be opened: ${String(e)}`, { cause: e }));
      return;
    }
    request.onupgradeneeded = (): void => {
      const db = request.result;
      for (const s of stores) if (!db.objectStoreNames.contains(s)) db.createObjectStore(s, { autoIncrement: autoIncrement.includes(s) });
    };
    request.onblocked = (): void =>
      reject(new StoreError(StoreErrorCode.Blocked, `IndexedDB ${name}`, 'is held open by another tab with an older version: close it'));
    request.onerror = (): void => reject(idbError(name, request.error, 'opening'));
    request.onsuccess = (): void => {
      const db = request.result;
      db.onversionchange = (): void => db.close(); // let a newer tab upgrade instead of blocking it
      resolve(db);
    };
  });
}

/** The result of a request. */
export function requested<T>(request: IdbRequestLike<T>, name: string, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = (): void => resolve(request.result);
    request.onerror = (): void => reject(idbError(name, request.error, what));
  });
}

/** Run `work` in one read-write transaction (durable where the browser supports `strict`); resolves once it committed. */
export function inTransaction(db: IdbDatabaseLike, name: string, stores: string[], work: (tx: IdbTransactionLike) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let tx: IdbTransactionLike;
    try {
      tx = db.transaction(stores, 'readwrite', { durability: 'strict' });
      work(tx);
    } catch (e) {
      reject(e instanceof StoreError ? e : idbError(name, e as IdbErrorLike, 'a write'));
      return;
    }
    tx.oncomplete = (): void => resolve();
    tx.onerror = (): void => reject(idbError(name, tx.error, 'a write'));
    tx.onabort = (): void => reject(idbError(name, tx.error, 'a write'));
  });
}
