// The rxbtc command line as bin/rxbtc.js runs it, from this build (.build/lib) so the bench needs no `npm run build`.
import { runCliProcess } from '../../lib/cli/process.js';

await runCliProcess();
