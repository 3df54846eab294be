import {
  MruSet,
  ServiceFlag,
  createHeaderChain,
  createPeer,
  listenTcp,
  networks,
  serveHeaders,
  startCheckpoint,
  type HeaderChain,
  type Listener,
} from '../../lib/index.js';
import { runCli } from '../../lib/cli/main.js';
import { capture } from '../helpers/cli-io.js';
import { MAINNET_FIRST, mainnetHeaders } from '../helpers/mainnet-headers.js';

/*
 * `rxbtc watch --from H` on mainnet starts at the built-in checkpoint at or below H by itself, against an rxbtc server
 * of mainnet's real headers 822,528–830,592 (testdata) on loopback: it fetches the checkpoint's header there, syncs the
 * one header above it, and then stops on Core's minimum chain work (the served chain is far below it), which shows the
 * checkpoint's known work is in force.
 */
const network = networks.mainnet;
const FIRST = MAINNET_FIRST;
const headers = mainnetHeaders;

let served: HeaderChain;
let listener: Listener;
beforeAll(async () => {
  served = createHeaderChain({ network, checkpoint: { height: FIRST, header: headers[0]! }, now: () => 1_800_000_000 });
  for (let i = 1; i < headers.length; i += 2000) await served.add(headers.slice(i, i + 2000));
  listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  listener.connections$.subscribe((c) => {
    const peer = createPeer(c, {
      network,
      inbound: true,
      services: ServiceFlag.Network | ServiceFlag.Bloom, // watch picks BIP37; the headers are what is tested
      sentNonces: new MruSet(50),
      newestBlock: () => ({ hash: served.tip.hash, height: served.height }),
    });
    peer.handshake.catch(() => undefined);
    serveHeaders(peer, served);
  });
});
afterAll(() => listener.close());

describe('rxbtc watch --from on mainnet', () => {
  it('starts at the built-in checkpoint at or below the birthday, and keeps the minimum-chain-work rule', async () => {
    const io = capture();
    const code = await runCli(
      ['watch', `127.0.0.1:${listener.port}`, '--address', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', '--from', '835000', '--json'],
      io,
    );
    const lines = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const start = startCheckpoint(network, 835_000)!;
    expect(start.height).toBe(830_591);
    expect(lines.find((l) => l['event'] !== 'connected')).toMatchObject({ event: 'checkpoint', height: 830_591, hash: start.hash });
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({ event: 'error' });
    expect(String(lines.at(-1)!['error'])).toMatch(/minimum chain work/);
  });
});
