import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { firstValueFrom, timeout } from 'rxjs';
import {
  ByteReader,
  createPeer,
  hashToHex,
  listenTcp,
  networks,
  readBlockHeader,
  type BlockHeader,
  type Message,
} from '../../lib/index.js';
import { useRegtestNode } from '../helpers/regtest.js';

/** Debian's Python, where python3-bitcoinlib is installed (not the first python3 on PATH). */
const PYTHON = '/usr/bin/python3';
const CLIENT = join(__dirname, 'bitcoinlib-client.py');
/** Without the Debian package this spec is skipped, except in CI (`CI=true`), where .ci/run installs it and it must run. */
const available = spawnSync(PYTHON, ['-c', 'import bitcoin']).status === 0;
const describeWithPython = available || process.env['CI'] ? describe : describe.skip;
if (!available && !process.env['CI'])
  console.warn('python3-bitcoinlib is not installed (apt-get install python3-bitcoinlib): skipping its interop spec');

interface ClientEvent {
  event: string;
  [field: string]: unknown;
}

/** Run the python-bitcoinlib client against a port; resolves with its JSON events. */
function runClient(port: number): Promise<{ events: ClientEvent[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [CLIENT, String(port)], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as ClientEvent);
      resolve({ events, code, stderr });
    });
  });
}

describeWithPython('a python-bitcoinlib client against an rxbtc listener', () => {
  const regtest = useRegtestNode({ blocks: 12 });
  const served: BlockHeader[] = [];
  beforeAll(async () => {
    for (let h = 1; h <= 12; h++) served.push(readBlockHeader(new ByteReader((await regtest().rawBlock(h)).subarray(0, 80))));
  });

  it('completes the handshake, gets a pong for its ping and the headers it asked for', async () => {
    const listener = await listenTcp({ port: 0 });
    try {
      const accepted = firstValueFrom(listener.connections$.pipe(timeout(10_000)));
      const client = runClient(listener.port);
      const peer = createPeer(await accepted, {
        network: networks.regtest,
        inbound: true,
        newestBlock: () => ({ hash: new Uint8Array(32), height: served.length }),
      });
      const received: Message[] = [];
      peer.messages$.subscribe((m) => {
        received.push(m);
        if (m.command === 'getheaders') peer.queue({ command: 'headers', headers: served });
      });
      const negotiated = await peer.handshake;
      const { events, code, stderr } = await client;
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });

      expect(negotiated.protocolVersion).toBe(60002); // python-bitcoinlib's version, the lower one
      expect(negotiated.transport).toBe('v1'); // a v1 client, recognised by BIP324 detection (the inbound default)
      expect(negotiated.remote.userAgent).toMatch(/^\/python-bitcoinlib:/);
      const version = events.find((e) => e.event === 'version');
      expect(version).toMatchObject({ version: 70016, userAgent: '/rxbtc:0.1.0/', startHeight: 12 });
      expect(events.map((e) => e.event)).toEqual(['version', 'verack', 'pong', 'headers']);
      expect(events[2]).toMatchObject({ matches: true });
      const hashes = events[3]!['hashes'] as string[];
      expect(hashes).toEqual(await Promise.all(served.map(async (_, i) => hashToHex(await regtest().blockHash(i + 1)))));
      expect(received.map((m) => m.command)).toEqual(['ping', 'getheaders']);
      expect((await peer.closed).reason).toMatch(/closed/);
    } finally {
      await listener.close();
    }
  });
});
