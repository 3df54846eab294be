import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppendLog,
  ByteReader,
  StoreError,
  WalletRecordError,
  WalletState,
  decodeWalletRecord,
  encodeWalletRecord,
  fileWalletStore,
  hashToHex,
  memoryWalletStore,
  readBlock,
  readBlockFile,
  txid,
  type WalletEvent,
  type WalletRecord,
} from '../../lib/index.js';
import { readData } from '../helpers/data.js';

const tx = readBlock(new ByteReader(readBlockFile(readData('blocks1-256'))[170 - 1]!.block)).transactions[1]!; // block 170: the first payment
const paid = tx.outputs[0]!.script;
const event = (status: WalletEvent['status'], height?: number): WalletEvent => ({
  type: 'tx',
  txid: hashToHex(txid(tx)),
  tx,
  status,
  ...(height === undefined ? {} : { height, blockHash: 'ab'.repeat(32) }),
  received: [{ index: 0, value: tx.outputs[0]!.value }],
  spent: [],
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-wallet-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wallet records', () => {
  it('round-trip every kind, transaction and satoshis included', () => {
    const records: WalletRecord[] = [
      { type: 'wallet', network: 'regtest', scripts: [hashToHex(paid)], from: 3 },
      { type: 'event', event: { ...event('confirmed', 170), proof: { kind: 'block', index: 1 } } },
      { type: 'checked', height: 170, hash: 'cd'.repeat(32), below: [{ height: 169, hash: 'ef'.repeat(32) }] },
    ];
    expect(records.map((r) => decodeWalletRecord(encodeWalletRecord(r)))).toEqual(records);
  });

  it('refuse what is not one, saying why', () => {
    const bad = (s: string): string => {
      try {
        decodeWalletRecord(Buffer.from(s));
      } catch (e) {
        if (e instanceof WalletRecordError) return e.message;
      }
      return 'accepted';
    };
    expect(bad('{"type":"checked","height":1}')).toContain('checked record needs');
    expect(bad('{"type":"event","event":{"type":"tx"}}')).toContain('an event needs');
    expect(bad('[1,2')).toContain('not JSON');
    expect(bad('{"type":"nonsense"}')).toContain('unknown record type');
  });

  it('a log record that is sound as bytes but not a wallet record is a StoreError naming the file', async () => {
    const store = join(dir, 'strange');
    const log = AppendLog.open(join(store, 'wallet.log'), { name: 'wallet log', magic: 'RXBTCWAL', format: 1 });
    await log.append([Buffer.from('{"type":"wallet","network":"regtest","scripts":[],"from":0}'), Buffer.from('{"hello":1}')]);
    log.close();
    expect(() => fileWalletStore(store)).toThrow(StoreError);
    expect(() => fileWalletStore(store)).toThrow(`${join(store, 'wallet.log')} has a record (#2) that is not a wallet record`);
  });
});

describe('WalletState', () => {
  it('restores the tracker from the events: a payment told before is not told again, its spend is recognised', async () => {
    const store = memoryWalletStore();
    const first = new WalletState(store, { network: 'regtest', scripts: [paid], from: 100 });
    const e = first.tracker.see(tx, { height: 170, blockHash: 'ab'.repeat(32), proof: { kind: 'block', index: 1 } })!;
    first.tracker.commit(e);
    await first.flush();
    const again = new WalletState(store, { network: 'regtest', scripts: [] });
    expect(again.birthday).toBe(100);
    expect(again.restoredEvents).toBe(1);
    expect(again.tracker.see(tx, { height: 170, blockHash: 'ab'.repeat(32), proof: { kind: 'block', index: 1 } })).toBeUndefined();
    const spend = { ...tx, inputs: [{ ...tx.inputs[0]!, txid: txid(tx), vout: 0 }] };
    expect(again.tracker.see(spend)?.spent).toEqual([{ index: 0, outpoint: `${hashToHex(txid(tx))}:0` }]);
  });

  it('writes how far it checked at most 1,000 blocks behind, at once after an event, and never for a block that left the chain', async () => {
    const store = memoryWalletStore();
    const state = new WalletState(store, { network: 'regtest', scripts: [paid], from: 0 });
    const at = (height: number): { height: number; hash: string } => ({ height, hash: height.toString(16).padStart(64, '0') });
    const below = (): { height: number; hash: string }[] => [];
    state.scanned(at(1), below); // the first one is due (nothing written yet)
    for (let h = 2; h <= 999; h++) state.scanned(at(h), below);
    state.scanned(at(1001), below);
    state.tracker.commit(event('mempool'));
    state.scanned(at(1002), below);
    state.scanned(at(1003), below);
    state.scanned(at(1004), () => undefined); // pending, and its block has left the best chain
    await state.flush();
    const checked = store
      .load()
      .flatMap((r): (number | string)[] => (r.type === 'checked' ? [r.height] : r.type === 'event' ? ['event'] : []));
    expect(checked).toEqual([1, 1001, 'event', 1002]);
  });

  it('a height told lazily is looked up only when its record is written (a scan tells every height)', async () => {
    const store = memoryWalletStore();
    const state = new WalletState(store, { network: 'regtest', scripts: [paid], from: 0 });
    const looked: number[] = [];
    const lazy = (height: number) => ({
      height,
      ref: () => (looked.push(height), { height, hash: height.toString(16).padStart(64, '0') }),
    });
    for (let h = 1; h <= 2500; h++) state.scanned(lazy(h), () => []);
    await state.flush();
    expect(looked).toEqual([1, 1001, 2001, 2500]); // the first, one per 1,000, and the last at flush
    const written = store.load().flatMap((r) => (r.type === 'checked' ? [r.height] : []));
    expect(written).toEqual([1, 1001, 2001, 2500]);
  });

  it('a new script needs a birthday; another network is refused; a long log is compacted to what it says', async () => {
    const store = memoryWalletStore();
    expect(() => new WalletState(store, { network: 'regtest', scripts: [paid] })).toThrow('need a birthday');
    const state = new WalletState(store, { network: 'regtest', scripts: [paid], from: 5 });
    state.tracker.commit(event('confirmed', 170));
    for (let h = 0; h < 1500; h++) state.scanned({ height: h * 1000, hash: '00'.repeat(32) }, () => []);
    await state.flush();
    expect(() => new WalletState(store, { network: 'mainnet', scripts: [] })).toThrow(StoreError);
    expect(store.load().length).toBeGreaterThan(1500);
    const reopened = new WalletState(store, { network: 'regtest', scripts: [] });
    await reopened.flush();
    expect(store.load().map((r) => r.type)).toEqual(['wallet', 'event', 'checked']);
    expect(reopened.checked?.height).toBe(1_499_000);
  });
});
