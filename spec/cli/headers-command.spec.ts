import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../lib/cli/args.js';
import { runCli } from '../../lib/cli/main.js';
import { MruSet, createPeer, genesisHashBytes, hashToHex, listenTcp, networks } from '../../lib/index.js';
import { capture } from '../helpers/cli-io.js';
import { useRegtestNode } from '../helpers/regtest.js';

const regtest = useRegtestNode({ blocks: 310 });
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = (lines: string[]): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('rxbtc headers', () => {
  it('syncs and verifies 310 headers from bcoin, ending with the synced JSON line at bcoin’s tip', async () => {
    const io = capture();
    const code = await runCli(['headers', `127.0.0.1:${regtest().port}`, '--network', 'regtest', '--json', '--datadir', dir], io);
    expect(code).toBe(0);
    const last = events(io.lines).pop()!;
    expect(last).toMatchObject({ event: 'synced', height: 310, hash: hashToHex(await regtest().blockHash(310)) });
    expect(last['chainwork']).toBe((311 * 2).toString(16).padStart(64, '0')); // regtest: 2 hashes of work per block, genesis included
  });

  it('resumes from the datadir, skips a peer that refuses the connection, and reaches the new tip', async () => {
    await regtest().mine(5);
    const deadPort = 9; // nothing listens on 127.79.0.0/16: the connection is refused at once
    const io = capture();
    const code = await runCli(
      ['headers', `127.79.0.1:${deadPort}`, `127.0.0.1:${regtest().port}`, '--network', 'regtest', '--json', '--datadir', dir],
      io,
    );
    expect(code).toBe(0);
    const all = events(io.lines);
    expect(all[0]).toMatchObject({ event: 'resumed', height: 310 });
    expect(all.some((e) => e['event'] === 'peer-failed' && e['peer'] === `127.79.0.1:${deadPort}`)).toBe(true);
    expect(all.pop()).toMatchObject({ event: 'synced', height: 315, hash: hashToHex(await regtest().blockHash(315)) });
  });

  it('prints Core-style progress and a text summary without --json', async () => {
    const io = capture();
    expect(await runCli(['headers', `127.0.0.1:${regtest().port}`, '--network', 'regtest'], io)).toBe(0);
    expect(io.lines.some((l) => /^Synchronizing blockheaders, height: \d+ \(~[\d.]+%\)$/.test(l))).toBe(true);
    expect(io.lines[io.lines.length - 1]).toMatch(
      /^synced: height 315, hash [0-9a-f]{64}, chainwork [0-9a-f]{64} \(from 127\.0\.0\.1:\d+\)$/,
    );
  });

  it('waits for a peer it cannot reach (one peer-failed line, one waiting line, redials), and exits 0 on Ctrl-C', async () => {
    const io = capture();
    const done = runCli(['headers', '127.0.0.1:1', '--network', 'regtest', '--json'], io);
    await io.until(/"event":"waiting"/);
    await new Promise((r) => setTimeout(r, 2500)); // redials fail meanwhile
    io.stop();
    expect(await done).toBe(0);
    expect(events(io.lines).map((e) => e['event'])).toEqual(['peer-failed', 'waiting']);
    expect(events(io.lines)[1]).toMatchObject({ peers: ['127.0.0.1:1'] });
  });

  it('exits 1 when its only peer is on another network (bcoin answers in regtest magic): nobody could ever serve it', async () => {
    const io = capture();
    expect(await runCli(['headers', `127.0.0.1:${regtest().port}`, '--network', 'testnet4', '--json'], io)).toBe(1);
    const last = events(io.lines).pop()!;
    expect(last).toMatchObject({ event: 'failed' });
    expect(String(last['error'])).toMatch(/not on testnet4; check --network/);
  });

  it('parses several peers and refuses options that belong to other commands', () => {
    expect(parseCli(['headers', '127.0.0.1:1', '127.2.0.1', '--network', 'regtest'])).toMatchObject({
      kind: 'headers',
      peers: [
        { host: '127.0.0.1', port: 1 },
        { host: '127.2.0.1', port: 18444 },
      ],
    });
    expect(() => parseCli(['headers'])).toThrow('at least one');
    expect(() => parseCli(['connect', '127.0.0.1', '--datadir', 'x'])).toThrow('--datadir is for headers');
  });
});

describe('rxbtc headers through a pool', () => {
  it('syncs from three peers of which one serves invalid headers: reaches bcoin’s tip and reports the ban', async () => {
    const liar = await listenTcp({ host: '127.77.0.1' });
    let accepted = 0;
    liar.connections$.subscribe((c) => {
      accepted++;
      const p = createPeer(c, {
        network: networks.regtest,
        inbound: true,
        sentNonces: new MruSet(50),
        newestBlock: () => ({ hash: genesisHashBytes(networks.regtest), height: 99_999 }), // claims the best chain
      });
      p.handshake.catch(() => undefined);
      p.on('getheaders').subscribe(() => {
        const bad = {
          version: 4,
          prevBlock: genesisHashBytes(networks.regtest),
          merkleRoot: new Uint8Array(32),
          timestamp: 1_296_688_700,
          bits: 0x1d00ffff,
          nonce: 7,
        };
        p.send({ command: 'headers', headers: [bad] }).catch(() => undefined);
      });
    });
    const refused = createServer();
    await new Promise<void>((r) => refused.listen(0, '127.78.0.1', r));
    const deadPort = (refused.address() as { port: number }).port;
    await new Promise((r) => refused.close(r));
    const io = capture();
    const code = await runCli(
      ['headers', `127.77.0.1:${liar.port}`, `127.78.0.1:${deadPort}`, `127.0.0.1:${regtest().port}`, '--network', 'regtest', '--json'],
      io,
    );
    await liar.close();
    expect(code).toBe(0);
    const all = events(io.lines);
    expect(all).toContainEqual(
      expect.objectContaining({ event: 'banned', peer: '127.77.0.1', reason: expect.stringMatching(/invalid headers/) }),
    );
    expect(all).toContainEqual(expect.objectContaining({ event: 'peer-failed', peer: `127.78.0.1:${deadPort}` }));
    expect(all.pop()).toMatchObject({
      event: 'synced',
      height: regtest().height,
      hash: hashToHex(await regtest().blockHash(regtest().height)),
    });
    expect(accepted).toBe(1);
  });

  it('parses --peers and --dns-seed', () => {
    expect(parseCli(['headers', '--dns-seed', '--peers', '4'])).toMatchObject({ kind: 'headers', peers: [], outbound: 4, dnsSeed: true });
    expect(() => parseCli(['headers', '127.0.0.1', '--peers', '0'])).toThrow('--peers');
  });
});
