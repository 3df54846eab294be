import type { Command } from './command.js';

/** A command as the registry knows it before loading it. */
export interface CommandEntry {
  /** One line for `rxbtc --help`. */
  readonly summary: string;
  /** It computes for some milliseconds and exits: the process runs it without V8's optimizing compiler (see `sizeHeap`). */
  readonly oneShot?: boolean;
  /** Load the command's module (its usage and parser; the runner loads later, when it runs). */
  load(): Promise<Command<unknown>>;
}

/**
 * Every `rxbtc` command: a summary line and a dynamic import of its module,
 * so a command line loads only the command it names.
 */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  connect: {
    summary: 'connect to one peer; print its handshake and every message it sends',
    load: async () => (await import('./commands/connect.js')).command,
  },
  listen: {
    summary: 'accept inbound peers (v1 and v2); print what they send',
    load: async () => (await import('./commands/listen.js')).command,
  },
  headers: {
    summary: "download and verify the peers' block headers (resumes with --datadir)",
    load: async () => (await import('./commands/headers.js')).command,
  },
  watch: {
    summary: "follow a wallet's transactions and balance (BIP158 or BIP37), with proofs",
    load: async () => (await import('./commands/watch.js')).command,
  },
  notify: {
    summary: "follow a transaction's confirmations or an output's spend (BIP158 or BIP37)",
    load: async () => (await import('./commands/notify.js')).command,
  },
  address: {
    summary: 'print an address of an output descriptor',
    oneShot: true,
    load: async () => (await import('./commands/address.js')).command,
  },
  send: {
    summary: 'announce a signed transaction and serve it to the peers that ask',
    load: async () => (await import('./commands/send.js')).command,
  },
  follow: {
    summary: 'print every relayed transaction and every new block (BIP152)',
    load: async () => (await import('./commands/follow.js')).command,
  },
  bridge: {
    summary: 'relay WebSocket to TCP for pages in a browser',
    load: async () => (await import('./commands/bridge.js')).command,
  },
};

/** The registry entry of `name`, or undefined when no command has that name. */
export function findCommand(name: string): CommandEntry | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}
