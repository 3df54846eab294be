import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../lib/cli/args.js';
import { runCli } from '../../lib/cli/main.js';
import { WalletState, fileWalletStore, networks, parseDescriptor, type Transaction } from '../../lib/index.js';
import { capture } from '../helpers/cli-io.js';

const tpub = 'tpubD6NzVbkrYhZ4WaWSyoBvQwbpLkojyoTZPRsgXELWz3Popb3qkjcJyJUGLnL4qHHoQvao8ESaAstxYSnhyswJ76uZPStJRJCTKvosUCJZL5B';
const descriptor = parseDescriptor(`wpkh(${tpub}/<0;1>/*)`, networks.regtest);

describe('rxbtc address', () => {
  it('prints the address at an index, on the change keychain, and as JSON', async () => {
    const io = capture();
    const d = descriptor.toString();
    expect(await runCli(['address', '--descriptor', d, '--network', 'regtest'], io)).toBe(0);
    expect(await runCli(['address', '--descriptor', d, '--index', '7', '--change', '--network', 'regtest'], io)).toBe(0);
    expect(await runCli(['address', '--descriptor', d, '--index', '2', '--network', 'regtest', '--json'], io)).toBe(0);
    expect(io.lines.slice(0, 2)).toEqual([
      descriptor.addressAt('receive', 0, networks.regtest),
      descriptor.addressAt('change', 7, networks.regtest),
    ]);
    expect(JSON.parse(io.lines[2]!)).toMatchObject({
      event: 'address',
      address: descriptor.addressAt('receive', 2, networks.regtest),
      keychain: 'receive',
      index: 2,
    });
  });

  it('--next gives the first index after the last one a watch saw paid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxbtc-address-'));
    try {
      const store = fileWalletStore(join(dir, 'regtest-wallet'));
      const wallet = new WalletState(store, { network: 'regtest', scripts: [], from: 1, descriptors: [descriptor] });
      const tx: Transaction = {
        version: 2,
        inputs: [{ txid: new Uint8Array(32).fill(1), vout: 0, script: new Uint8Array(0), sequence: 0, witness: [] }],
        outputs: [{ value: 1000n, script: descriptor.scriptAt('receive', 4) }],
        lockTime: 0,
      };
      wallet.tracker.commit(wallet.tracker.see(tx)!);
      await wallet.flush();
      await store.close();
      const io = capture();
      expect(
        await runCli(['address', '--descriptor', descriptor.toString(), '--next', '--datadir', dir, '--network', 'regtest', '--json'], io),
      ).toBe(0);
      expect(JSON.parse(io.lines[0]!)).toMatchObject({ index: 5, address: descriptor.addressAt('receive', 5, networks.regtest) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad descriptor with its position, private keys, and bad arguments', async () => {
    const io = capture();
    expect(await runCli(['address', '--descriptor', `wpkh(${tpub}/<0;1>/*)#aaaaaaaa`, '--network', 'regtest'], io)).toBe(2);
    expect(
      await runCli(['address', '--descriptor', 'wpkh(L4rK1yDtCWekvXuE6oXD9jCYfFNV2cWRpVuPLBcCU2z8TrisoyY1)', '--network', 'regtest'], io),
    ).toBe(2);
    expect(io.errors[0]).toMatch(/checksum .* position \d+/);
    expect(io.errors[1]).toMatch(/watch-only/);
    expect(() => parseCli(['address'])).toThrow('one --descriptor');
    expect(() => parseCli(['address', '--descriptor', 'raw(00)', '--next'])).toThrow('--datadir');
    expect(() => parseCli(['address', '--descriptor', 'raw(00)', '--index', '-1'])).toThrow();
    expect(() => parseCli(['send', 'aa'])).toThrow('HOST');
    expect(() => parseCli(['send', 'aa', '127.0.0.1', '--timeout', '0'])).toThrow('--timeout');
    expect(() => parseCli(['watch', '127.0.0.1', '--descriptor', 'raw(00)', '--gap-limit', '0'])).toThrow('--gap-limit');
  });
});
