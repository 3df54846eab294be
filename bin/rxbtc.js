#!/usr/bin/env node
// The rxbtc command line; the code is in lib/cli (built to dist/cli). No top-level await: runCliProcess exits itself.
import { runCliProcess } from '../dist/cli/process.js';

void runCliProcess();
