import * as fake from 'fake-indexeddb';
import {
  FilterHeaderChain,
  StoreError,
  createHeaderChain,
  hashFromHex,
  networks,
  openHeaderChain,
  openIndexedDbFilterHeaderStore,
  openIndexedDbHeaderStore,
  openIndexedDbWalletStore,
  type IdbDatabaseLike,
  type IdbFactoryLike,
  type IdbOpenRequestLike,
  type IdbTransactionLike,
  type WalletRecord,
} from '../../lib/index.js';
import { headerHash, mineChain } from '../helpers/mine.js';

/* The IndexedDB stores against fake-indexeddb (a full IndexedDB in memory): each test a fresh "browser". */
const network = networks.regtest;
const GENESIS = hashFromHex(network.genesisHash);
const list = mineChain(GENESIS, 2600, { time: 1_296_688_602, bits: 0x207fffff, spacing: 60 });

/** fake-indexeddb's IDBFactory (typed against the DOM library, which rxbtc's TypeScript does not load). */
const IDBFactory = (fake as unknown as { IDBFactory: new () => IdbFactoryLike }).IDBFactory;

let indexedDB: IdbFactoryLike;
beforeEach(() => {
  indexedDB = new IDBFactory();
});

describe('openIndexedDbHeaderStore', () => {
  it('a chain reloaded from IndexedDB is the chain that was written, across chunk boundaries and a reorg', async () => {
    const chain = createHeaderChain({ network, store: await openIndexedDbHeaderStore('h', { indexedDB }) });
    await chain.add(list.slice(0, 2000));
    await chain.add(list.slice(2000));
    // A reorg: a heavier branch from 2,040 (inside the second chunk) replaces the tail.
    const branch = mineChain(headerHash(list[2039]!), 600, { time: list[2039]!.timestamp, bits: 0x207fffff, spacing: 61, salt: 1 });
    const r = await chain.add(branch);
    expect(r.reorg?.forkHeight).toBe(2040);
    await chain.close();
    const again = createHeaderChain({ network, store: await openIndexedDbHeaderStore('h', { indexedDB }) });
    expect([again.height, again.tip.hashHex]).toEqual([2640, chain.tip.hashHex]);
    expect(again.header(100)!.hashHex).toBe(chain.header(100)!.hashHex);
    expect(again.tip.chainWork).toBe(chain.tip.chainWork);
  });

  it('a chain started at a checkpoint reopens at its root without peers', async () => {
    const first = await openHeaderChain({
      network,
      store: await openIndexedDbHeaderStore('c', { indexedDB }),
      start: { height: 1000, hash: '00'.repeat(32) },
      source: [],
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error); // no peer to give the header
    const chain = createHeaderChain({
      network,
      store: await openIndexedDbHeaderStore('c2', { indexedDB }),
      checkpoint: { height: 1000, header: list[999]! },
    });
    await chain.add(list.slice(1000, 1100));
    await chain.close();
    const again = await openHeaderChain({ network, store: await openIndexedDbHeaderStore('c2', { indexedDB }) });
    expect([again.root.height, again.height]).toEqual([1000, 1100]);
  });
});

describe('openIndexedDbFilterHeaderStore', () => {
  it('keeps records and truncations across a reload', async () => {
    const store = await openIndexedDbFilterHeaderStore('f', { indexedDB });
    const state = new FilterHeaderChain(store);
    const rec = (i: number): Uint8Array => new Uint8Array(32).fill(i & 0xff);
    await state.anchor(99, rec(99), rec(199));
    const n = 1500;
    await state.append(
      Array.from({ length: n }, (_, i) => rec(i)),
      Array.from({ length: n }, (_, i) => rec(i + 1)),
      Array.from({ length: n }, (_, i) => rec(i + 2)),
    );
    await state.truncate(1200);
    const again = new FilterHeaderChain(await openIndexedDbFilterHeaderStore('f', { indexedDB }));
    expect([again.rootHeight, again.height]).toEqual([99, 1200]);
    expect(again.headerAt(99)).toEqual(rec(199));
    expect(again.hashAt(1200)).toEqual(rec(1100 + 1));
  });
});

const checkedAt = (height: number): WalletRecord => ({ type: 'checked', height, hash: '00'.repeat(32), below: [] });

describe('openIndexedDbWalletStore', () => {
  const wallet: WalletRecord = { type: 'wallet', network: 'regtest', from: 5, scripts: ['0014' + 'ab'.repeat(20)] };
  const checked = checkedAt;

  it('appends and compacts, each whole, and a reload reads the log back in order', async () => {
    const store = await openIndexedDbWalletStore('w', { indexedDB });
    await store.append([wallet, checked(10)]);
    await store.append([checked(11)]);
    expect((await openIndexedDbWalletStore('w', { indexedDB })).load()).toEqual([wallet, checked(10), checked(11)]);
    await store.compact([wallet, checked(11)]);
    expect((await openIndexedDbWalletStore('w', { indexedDB })).load()).toEqual([wallet, checked(11)]);
  });
});

describe('errors are typed, never silent', () => {
  /** fake-indexeddb, except that every read-write transaction aborts with QuotaExceededError, as a browser out of quota does. */
  function outOfQuota(): IdbFactoryLike {
    const real = new IDBFactory();
    const quota = { name: 'QuotaExceededError', message: 'the quota has been exceeded' };
    const wrapDb = (db: IdbDatabaseLike): IdbDatabaseLike => ({
      objectStoreNames: db.objectStoreNames,
      createObjectStore: (n, o) => db.createObjectStore(n, o),
      close: () => db.close(),
      set onversionchange(f: (() => void) | null) {
        db.onversionchange = f;
      },
      get onversionchange() {
        return db.onversionchange;
      },
      transaction: (stores, mode) => {
        const tx = db.transaction(stores, mode);
        if (mode === 'readonly') return tx;
        const wrapper: IdbTransactionLike = {
          objectStore: (n) => tx.objectStore(n),
          error: quota,
          oncomplete: null,
          onerror: null,
          onabort: null,
        };
        tx.onabort = (): void => wrapper.onabort?.();
        queueMicrotask(() => (tx as unknown as { abort(): void }).abort()); // after the writes are queued, before they commit
        return wrapper;
      },
    });
    return {
      open: (name, version) => {
        const req = real.open(name, version);
        let wrapped: IdbDatabaseLike | undefined;
        const proxy = {
          get result() {
            return (wrapped ??= wrapDb(req.result));
          },
          get error() {
            return req.error;
          },
          onsuccess: null,
          onerror: null,
          onupgradeneeded: null,
          onblocked: null,
        } as unknown as IdbOpenRequestLike;
        req.onsuccess = (): void => proxy.onsuccess?.();
        req.onerror = (): void => proxy.onerror?.();
        req.onupgradeneeded = (): void => proxy.onupgradeneeded?.();
        req.onblocked = (): void => proxy.onblocked?.();
        return proxy;
      },
    };
  }

  it('a full quota rejects the write with StoreError full (wallet, headers): the caller learns the data was not kept', async () => {
    const idb = outOfQuota();
    const wallet = await openIndexedDbWalletStore('q', { indexedDB: idb });
    const e = await wallet.append([checkedAt(1)]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('full');
    expect(wallet.load()).toEqual([]); // not recorded as kept
    const chain = createHeaderChain({ network, store: await openIndexedDbHeaderStore('qh', { indexedDB: idb }) });
    const f = await chain.add(list.slice(0, 10)).catch((x: unknown) => x);
    expect((f as StoreError).code).toBe('full');
  });

  it('another tab holding an older version: StoreError blocked', async () => {
    const blocked: IdbFactoryLike = {
      open: () => {
        const request = {
          result: undefined,
          error: null,
          onsuccess: null,
          onerror: null,
          onupgradeneeded: null,
          onblocked: null,
        } as unknown as IdbOpenRequestLike;
        setTimeout(() => request.onblocked?.(), 0);
        return request;
      },
    };
    const e = await openIndexedDbWalletStore('b', { indexedDB: blocked }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('blocked');
  });
});
