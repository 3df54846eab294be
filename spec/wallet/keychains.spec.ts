import {
  Keychains,
  WalletState,
  WalletView,
  decodeWalletRecord,
  encodeWalletRecord,
  hashToHex,
  memoryWalletStore,
  parseDescriptor,
  toHex,
  txid,
  type ScriptOrigin,
  type Transaction,
  type WalletBalance,
  type WalletEvent,
  type WalletRecord,
} from '../../lib/index.js';

/** BIP389's wpkh vector, a ranged <1;3> keychain pair (named receive and change here). */
const descriptor = parseDescriptor(
  'wpkh([ffffffff/13h]xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH/<1;3>/2/*)',
);
const origin = (keychain: 'receive' | 'change', index: number): ScriptOrigin => ({ descriptor: descriptor.toString(), keychain, index });

describe('Keychains', () => {
  it('derive gapLimit scripts per keychain, and up to used + gapLimit when an index is paid', () => {
    const k = new Keychains([descriptor], 3);
    expect(k.scripts.length).toBe(6);
    expect(k.origin(String.fromCharCode(...descriptor.scriptAt('change', 2)))).toEqual(origin('change', 2));
    expect(k.use(origin('receive', 1)).map(toHex)).toEqual([
      toHex(descriptor.scriptAt('receive', 3)),
      toHex(descriptor.scriptAt('receive', 4)),
    ]);
    expect(k.use(origin('receive', 0))).toEqual([]); // below the last used: nothing new
    expect(k.nextIndex(descriptor, 'receive')).toBe(2);
    expect(k.state().map((s) => [s.keychain, s.used, s.scripts.length])).toEqual([
      ['receive', 1, 5],
      ['change', -1, 3],
    ]);
  });

  it('restore a stored state without deriving it again', () => {
    const stored = new Keychains([descriptor], 3);
    stored.use(origin('change', 4));
    const spy = jest.spyOn(descriptor, 'scriptAt');
    const again = new Keychains([descriptor], 3, stored.state());
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(again.scripts.map(toHex)).toEqual(stored.scripts.map(toHex));
    expect(again.nextIndex(descriptor, 'change')).toBe(5);
  });

  it('refuse a gap limit below 1', () => {
    expect(() => new Keychains([descriptor], 0)).toThrow(RangeError);
  });
});

/** A transaction paying `outputs` and spending `inputs` (`txid:vout`, display hex). */
function tx(outputs: { script: Uint8Array; value: bigint }[], inputs: string[] = [], salt = 0): Transaction {
  return {
    version: 2,
    inputs: (inputs.length ? inputs : [`${'00'.repeat(31)}${salt.toString(16).padStart(2, '0')}:0`]).map((o) => {
      const [id, vout] = o.split(':');
      return {
        txid: Uint8Array.from(Buffer.from(id!, 'hex')).reverse(),
        vout: Number(vout),
        script: new Uint8Array(0),
        sequence: 0,
        witness: [],
      };
    }),
    outputs,
    lockTime: 0,
  };
}

const eventOf = (t: Transaction, status: WalletEvent['status'], height?: number): WalletEvent => ({
  type: 'tx',
  txid: hashToHex(txid(t)),
  tx: t,
  status,
  ...(height === undefined ? {} : { height, blockHash: 'ab'.repeat(32) }),
  received: t.outputs.map((o, index) => ({ index, value: o.value, origin: origin('receive', index) })),
  spent: [],
});

describe('WalletView', () => {
  const mine = descriptor.scriptAt('receive', 0);
  it('counts confirmed and unconfirmed outputs, spends by any known transaction, and a reorg back to unconfirmed', () => {
    const view = new WalletView();
    const seen: WalletBalance[] = [];
    view.balance$.subscribe((b) => seen.push(b));
    const a = tx([{ script: mine, value: 5000n }], [], 1);
    view.apply(eventOf(a, 'mempool'));
    expect(view.balance()).toEqual({ confirmed: 0n, unconfirmed: 5000n });
    view.apply(eventOf(a, 'confirmed', 10));
    expect(view.balance()).toEqual({ confirmed: 5000n, unconfirmed: 0n });
    const aId = hashToHex(txid(a));
    const spend = tx([{ script: mine, value: 1200n }], [`${aId}:0`]);
    view.apply(eventOf(spend, 'mempool'));
    expect(view.balance()).toEqual({ confirmed: 0n, unconfirmed: 1200n });
    expect(view.utxos().map((u) => [u.txid === aId, u.confirmed, u.value, u.origin?.index])).toEqual([[false, false, 1200n, 0]]);
    view.apply(eventOf(spend, 'confirmed', 11));
    view.apply(eventOf(spend, 'reorged', 11)); // its block left the best chain
    expect(view.balance()).toEqual({ confirmed: 0n, unconfirmed: 1200n });
    expect(view.apply(eventOf(spend, 'reorged', 11))).toBe(false); // nothing changed
    expect(seen).toEqual([
      { confirmed: 0n, unconfirmed: 0n },
      { confirmed: 0n, unconfirmed: 5000n },
      { confirmed: 5000n, unconfirmed: 0n },
      { confirmed: 0n, unconfirmed: 1200n },
      { confirmed: 1200n, unconfirmed: 0n },
      { confirmed: 0n, unconfirmed: 1200n },
    ]);
  });
});

describe('a stored descriptor wallet', () => {
  it('keeps origins and keychains in its records, and a run that stopped before checking derived scripts rescans them from the birthday', () => {
    const store = memoryWalletStore();
    const start = { network: 'regtest', scripts: [], from: 100, descriptors: [descriptor], gapLimit: 3 };
    const first = new WalletState(store, start);
    const paying = tx([{ script: descriptor.scriptAt('receive', 2), value: 700n }]);
    const e = first.tracker.see(paying, { height: 150, blockHash: 'cd'.repeat(32), proof: { kind: 'block', index: 1 } })!;
    expect(e.origin).toEqual(origin('receive', 2));
    first.tracker.commit(e);
    first.scanned({ height: 160, hash: 'ef'.repeat(32) }, () => []);
    // Stopped here: receive 3…5 were derived for the payment, never checked in blocks 100…150.
    const records = store.load();
    expect(records.map((r) => decodeWalletRecord(encodeWalletRecord(r)))).toEqual(records);
    const view = new WalletView();
    const again = new WalletState(store, { ...start, view });
    expect(again.resumeFrom).toBe(100); // from the birthday, not 161
    expect(again.tracker.keychains!.nextIndex(descriptor, 'receive')).toBe(3);
    expect(view.balance().confirmed).toBe(700n);
    // Once a scan settled them, the stored script set holds them: the next start goes on after the last check.
    again.tracker.settle();
    again.scanned({ height: 170, hash: '12'.repeat(32) }, () => []);
    const third = new WalletState(store, start);
    expect(third.resumeFrom).toBe(171);
    const wallet = store
      .load()
      .filter((r): r is Extract<WalletRecord, { type: 'wallet' }> => r.type === 'wallet')
      .at(-1)!;
    expect(wallet.keychains!.map((k) => [k.keychain, k.used, k.scripts.length])).toEqual([
      ['receive', 2, 6],
      ['change', -1, 3],
    ]);
  });
});
