// The rxbtc command line as users run it: bin/rxbtc.js, which runs the bundle `npm run build` writes to dist/bin (the
// benches run `npm run build` first). Kept as a script of its own so that the benches spawn `node rxbtc-cli.js ARGS`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = new URL('../../../bin/rxbtc.js', import.meta.url);
if (!existsSync(fileURLToPath(new URL('../../../dist/bin/process.js', import.meta.url)))) {
  process.stderr.write('rxbtc-cli: dist/bin is missing; run npm run build first\n');
  process.exit(1);
}
await import(bin.href);
