import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCli } from '../../lib/cli/args.js';
import { COMMANDS } from '../../lib/cli/commands.js';
import { runCli } from '../../lib/cli/main.js';
import { CLI_VERSION } from '../../lib/cli/version.js';
import { RXBTC_USER_AGENT } from '../../lib/index.js';
import { capture } from '../helpers/cli-io.js';

describe('rxbtc usage', () => {
  it('prints its version, the same as package.json and the user agent', async () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(CLI_VERSION).toBe(pkg.version);
    expect(CLI_VERSION).toBe(RXBTC_USER_AGENT.version);
    for (const flag of ['--version', '-v']) {
      const io = capture();
      expect(await runCli([flag], io)).toBe(0);
      expect(io.lines).toEqual([CLI_VERSION]);
    }
  });

  it('lists every command with its summary, and says how to get each one’s help', async () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      const io = capture();
      expect(await runCli(argv, io)).toBe(0);
      const text = io.lines.join('\n');
      for (const [name, entry] of Object.entries(COMMANDS)) expect(text).toContain(`  ${name}`.padEnd(11) + entry.summary);
      expect(text).toContain('rxbtc COMMAND --help');
    }
  });

  it('prints each command’s own usage with every option it takes, and nothing runs', async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const command = await entry.load();
      const io = capture();
      expect(await runCli([name, '--help'], io)).toBe(0);
      const text = io.lines.join('\n');
      expect(text).toMatch(new RegExp(`^Usage: rxbtc ${name}\\b`));
      for (const option of command.options) expect(text).toContain(`--${option}`);
      expect(text).toContain('-h, --help');
      expect(parseCli([name, '-h'])).toEqual({ kind: 'help', command: name });
    }
  });

  it('refuses an option of another command by naming the commands that take it (exit 2)', async () => {
    const io = capture();
    expect(await runCli(['follow', '127.0.0.1', '--gap-limit', '3'], io)).toBe(2);
    expect(io.errors).toEqual(['rxbtc follow: --gap-limit is for watch, not follow', 'try rxbtc follow --help']);
  });

  it('refuses an unknown command and options before the command (exit 2)', async () => {
    const unknown = capture();
    expect(await runCli(['frobnicate'], unknown)).toBe(2);
    expect(unknown.errors[0]).toMatch(/^rxbtc: unknown command frobnicate: use connect, listen/);
    const early = capture();
    expect(await runCli(['--network', 'regtest', 'headers', '127.0.0.1'], early)).toBe(2);
    expect(early.errors[0]).toBe('rxbtc: --network goes after the command: rxbtc COMMAND --network …');
  });
});
