#!/usr/bin/env node
// The rxbtc command line; the code is in lib/cli (built to dist/cli).
import { runCliProcess } from '../dist/cli/process.js';

await runCliProcess();
