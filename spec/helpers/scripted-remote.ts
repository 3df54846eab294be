import { firstValueFrom, filter, ReplaySubject, timeout } from 'rxjs';
import {
  decodeMessages,
  encodeMessage,
  type Connection,
  type Message,
  type MessageOf,
  type Command,
  type Network,
  type VersionMessage,
} from '../../lib/index.js';

/** The far side of a connection, driven message by message by a test. */
export interface ScriptedRemote {
  /** Everything received, in order. */
  readonly received: Message[];
  /** Send one message. */
  send(message: Message): Promise<void>;
  /** Send raw bytes. */
  sendRaw(bytes: Uint8Array): Promise<void>;
  /** The next (or an already received) message of a command. */
  next<C extends Command>(command: C): Promise<MessageOf<C>>;
  /** Commands received so far. */
  commands(): string[];
  /** Close the connection. */
  close(): void;
}

export function scriptedRemote(connection: Connection, network: Network): ScriptedRemote {
  const received: Message[] = [];
  const replay = new ReplaySubject<Message>();
  connection.bytes$.pipe(decodeMessages(network)).subscribe({
    next: (m) => {
      received.push(m);
      replay.next(m);
    },
    error: () => undefined,
  });
  return {
    received,
    send: (m) => connection.write(encodeMessage(network, m)),
    sendRaw: (b) => connection.write(b),
    next: <C extends Command>(command: C) =>
      firstValueFrom(
        replay.pipe(
          filter((m): m is MessageOf<C> => m.command === command),
          timeout({ first: 5000 }),
        ),
      ),
    commands: () => received.map((m) => m.command),
    close: () => connection.close(),
  };
}

/** A plausible remote version message. */
export function remoteVersion(overrides: Partial<VersionMessage> = {}): VersionMessage {
  return {
    command: 'version',
    version: 70016,
    services: 9n,
    timestamp: 0n,
    receiver: { services: 0n, ip: new Uint8Array(16), port: 0 },
    sender: { services: 9n, ip: new Uint8Array(16), port: 0 },
    nonce: 0x1234_5678_9abc_def0n,
    userAgent: '/scripted:1.0/',
    startHeight: 1000,
    relay: true,
    ...overrides,
  };
}
