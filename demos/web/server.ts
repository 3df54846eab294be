/**
 * rxbtc in the browser: starts a bcoin regtest node in memory, a page and
 * `rxbtc bridge` on one port of 127.0.0.1, and prints the page's URL. The
 * page connects to the node through the bridge and shows, live, the
 * handshake, the message timeline, header sync, new blocks and transactions
 * and a watched address's payments, all from rxbtc Observables. Stops after
 * `--seconds` (default: on Ctrl-C).
 *
 *   npm run web [-- --port 8000 --seconds 60 --blocks 300]
 */
import { parseArgs } from 'node:util';
import { startDashboard } from './dashboard.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8000' }, seconds: { type: 'string' }, blocks: { type: 'string', default: '300' } },
  });
  const port = Number(values.port);
  const seconds = values.seconds === undefined ? Infinity : Number(values.seconds);
  const blocks = Number(values.blocks);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('--port must be 0…65535');
  if (!(seconds > 0) || !(blocks >= 101)) throw new RangeError('--seconds must be positive and --blocks at least 101');

  console.log(`starting a bcoin regtest node in memory and mining ${blocks} blocks…`);
  const dashboard = await startDashboard({ port, blocks, log: (line) => console.log(`bridge: ${line}`) });
  console.log(`rxbtc web dashboard: ${dashboard.url}`);
  console.log(`  node 127.0.0.1:${dashboard.regtest.port} (bcoin, regtest), watched address ${dashboard.config.address}`);
  console.log(seconds === Infinity ? '  Ctrl-C to stop' : `  stopping in ${seconds} s`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    if (seconds !== Infinity) setTimeout(resolve, seconds * 1000);
  });
  await dashboard.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
