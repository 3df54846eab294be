import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { networks, scriptToAddress, startBridge } from '../../lib/index.js';
import { startRegtestNode, type RegtestNode } from '../regtest-node.js';
import { buildForBrowser } from './browser-build.js';
import { startFilterServer } from './filter-server.js';
import type { DashboardConfig } from './page/config.js';

export type { DashboardConfig };

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** HTTP port for the page and the bridge (0 picks a free one). @default 8000 */
  port?: number;
  /** Blocks the node mines before the page opens (at least 101, so coinbases can be spent). @default 300 */
  blocks?: number;
  /**
   * A block every this many ms while running (0: none). Longer than bcoin's
   * 5 s transaction-announcement flush, so most transactions are seen in the
   * mempool before a block takes them. @default 10000
   */
  blockEvery?: number;
  /** A transaction every this many ms (0: none). @default 2000 */
  txEvery?: number;
  /** A payment to the watched address every this many ms (0: none). @default 15000 */
  payEvery?: number;
  /** The repository's root (where `demos/web/page` is). @default process.cwd() */
  root?: string;
  /** One line per bridge connection and refusal. @default nothing */
  log?: (line: string) => void;
}

/** A running dashboard. */
export interface Dashboard {
  /** The page's URL. */
  readonly url: string;
  /** The embedded node. */
  readonly regtest: RegtestNode;
  /** What the page is told. */
  readonly config: DashboardConfig;
  /** Stop mining, the server, the bridge and the node. */
  close(): Promise<void>;
}

const PAYMENT = 50_000; // satoshis per payment to the watched address

/**
 * The web demo's server: an embedded bcoin regtest node, an rxbtc node
 * serving it compact filters over BIP324 (`startFilterServer`), one HTTP server on
 * 127.0.0.1 serving the page (its TypeScript bundled by esbuild for the
 * browser, from `lib/browser.ts`), `/config.json`, and `rxbtc bridge` on the
 * same port (WebSocket upgrades; only the two nodes are allowed, only from the
 * page's origin). It keeps the node mining blocks, relaying transactions
 * and paying a watched address, so the page has something live to show.
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const root = options.root ?? process.cwd();
  const pageDir = join(root, 'demos', 'web', 'page');
  const { code: app } = await buildForBrowser({ file: join(pageDir, 'app.ts') });
  const html = await readFile(join(pageDir, 'index.html'), 'utf8');

  const regtest = await startRegtestNode({ blocks: Math.max(101, options.blocks ?? 300) });
  // The watched address: a fresh P2WPKH program (nobody holds its key; the demo only watches it), paid twice before the page opens.
  const script = Uint8Array.of(0x00, 0x14, ...randomBytes(20));
  const birthday = regtest.height;
  for (let i = 0; i < 2; i++) {
    await regtest.pay([{ script, value: PAYMENT * (i + 1) }]);
    await regtest.mine(1);
  }
  const filters = await startFilterServer(regtest);
  const config: DashboardConfig = {
    network: 'regtest',
    target: `127.0.0.1:${regtest.port}`,
    filterTarget: `127.0.0.1:${filters.port}`,
    transport: 'auto',
    address: scriptToAddress(script, networks.regtest)!,
    birthday,
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (type: string, body: string): void => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') res.writeHead(405).end();
    else if (path === '/' || path === '/index.html') send('text/html; charset=utf-8', html);
    else if (path === '/app.js') send('text/javascript; charset=utf-8', app);
    else if (path === '/config.json') send('application/json', JSON.stringify(config));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}/`;
  const bridge = await startBridge({
    server,
    allow: [config.target, config.filterTarget],
    origins: [url.slice(0, -1), `http://localhost:${port}`],
    ...(options.log ? { log: options.log } : {}),
  });

  const quietly = (work: () => Promise<unknown>) => () => void work().catch(() => undefined);
  const timers = [
    [options.blockEvery ?? 10_000, quietly(() => regtest.mine(1))],
    [options.txEvery ?? 2000, quietly(() => regtest.sendTransaction())],
    [options.payEvery ?? 15_000, quietly(() => regtest.pay([{ script, value: PAYMENT }]))],
  ] as const;
  const intervals = timers.filter(([ms]) => ms > 0).map(([ms, work]) => setInterval(work, ms));

  return {
    url,
    regtest,
    config,
    async close() {
      intervals.forEach(clearInterval);
      await bridge.close();
      await filters.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await regtest.close();
    },
  };
}
