#!/usr/bin/env node
// The rxbtc command line: lib/cli bundled by `npm run build` into dist/bin (one small entry, a chunk per command loaded
// only when it runs). No top-level await: runCliProcess exits itself.
import { runCliProcess } from '../dist/bin/process.js';

void runCliProcess();
