import { Observable, asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import type { Message } from '../wire/message.js';
import { RejectCode, type RejectMessage } from '../wire/messages/reject.js';
import type { VersionMessage } from '../wire/messages/version.js';
import { MIN_PROTOCOL_VERSION, ProtocolVersion } from '../wire/protocol.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import { defaultSentNonces } from './config.js';
import { NEGOTIATE_TIMEOUT } from './constants.js';
import { PeerError, PeerErrorCode } from './errors.js';
import type { MruSet } from './mru-set.js';

/** What the version/verack exchange settled. */
export interface Negotiated {
  /** The remote's version message. */
  remote: VersionMessage;
  /** min(our version, theirs). */
  protocolVersion: number;
  /** The remote sent `sendaddrv2` before verack (BIP155): send it `addrv2`. */
  sendAddrV2: boolean;
  /** The remote sent `wtxidrelay` before verack (BIP339). */
  wtxidRelay: boolean;
  /** The remote advertises NODE_WITNESS. */
  witness: boolean;
  /** Remote clock minus ours, seconds. */
  timeOffset: number;
  /** `v1` or `v2` (BIP324); filled in by `createPeer` (the bare operator does not know). */
  transport?: 'v1' | 'v2';
  /** For v2, the session id (hex): compare it with the remote's operator to rule out a man in the middle. */
  sessionId?: string;
}

/** Options of {@link handshake}. */
export interface HandshakeOptions {
  /** Whether the remote dialled us (then we read its version first). */
  inbound: boolean;
  /** Build our version message; called once, when it is about to be sent. */
  localVersion: () => VersionMessage;
  /** Send a message; the handshake's messages must be written in call order. */
  send: (message: Message) => Promise<void>;
  /** Called once when verack arrives. */
  onNegotiated?: (result: Negotiated) => void;
  /** Time for the whole exchange, ms. @default 30000 */
  timeout?: number;
  /** Lowest remote version accepted. @default 209 */
  minProtocolVersion?: number;
  /** Send `wtxidrelay` before verack when the negotiated version allows. @default false */
  wtxidRelay?: boolean;
  /** Accept a version carrying one of our nonces. @default false */
  allowSelfConnection?: boolean;
  /** Nonces sent by this process. @default defaultSentNonces */
  sentNonces?: MruSet<bigint>;
  /** Scheduler for the timeout. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

function commandOf(m: Message): string {
  return m.command === 'unknown' ? m.rawCommand : m.command;
}

function reject(message: string, code: number, reason: string): RejectMessage {
  return { command: 'reject', message, code, reason };
}

/**
 * The version/verack handshake as an operator on the inbound message
 * stream, in btcd's order. Outbound: send version, read version, send
 * sendaddrv2 (≥ 70016), send verack, wait for verack. Inbound: read version
 * first, then the same. Before verack, `sendaddrv2`, `wtxidrelay` and
 * unknown messages are accepted; anything else fails the handshake.
 *
 * Handshake messages are consumed; later messages pass through, except a
 * duplicate `version` or `verack` (answered with reject `duplicate`) and a
 * late `sendaddrv2`/`wtxidrelay` (a {@link PeerError}, so the peer
 * disconnects). Every failure is a {@link PeerError}; a reject is sent
 * first where btcd sends one (non-version first message: `malformed`;
 * version below the minimum: `obsolete`).
 *
 * @example
 * ```ts
 * incoming$.pipe(handshake({ inbound: false, localVersion, send, onNegotiated: (r) => console.log(r.protocolVersion) }))
 * ```
 */
export function handshake(options: HandshakeOptions): MonoTypeOperatorFunction<Message> {
  const timeout = options.timeout ?? NEGOTIATE_TIMEOUT;
  if (!(timeout > 0)) throw new RangeError(`timeout must be positive, got ${timeout}`);
  const minVersion = options.minProtocolVersion ?? MIN_PROTOCOL_VERSION;
  const nonces = options.sentNonces ?? defaultSentNonces;
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<Message>((subscriber) => {
      let state: 'version' | 'verack' | 'done' | 'failed' = 'version';
      let local: VersionMessage | undefined;
      let result: Negotiated | undefined;

      const fail = (error: PeerError, rejectFirst?: RejectMessage): void => {
        if (state === 'failed') return;
        state = 'failed';
        timer.unsubscribe();
        if (!rejectFirst) {
          subscriber.error(error);
          return;
        }
        const end = (): void => subscriber.error(error);
        options.send(rejectFirst).then(end, end);
      };
      const send = (m: Message): void => {
        options.send(m).catch((e: unknown) => {
          fail(new PeerError(PeerErrorCode.Disconnected, `could not send ${m.command}: ${String(e)}`, m.command));
        });
      };
      const sendLocalVersion = (): VersionMessage => {
        local = options.localVersion();
        nonces.add(local.nonce);
        send(local);
        return local;
      };

      const timer = scheduler.schedule(() => {
        fail(new PeerError(PeerErrorCode.NegotiateTimeout, `handshake did not finish within ${timeout} ms`));
      }, timeout);

      const onVersion = (m: Message): void => {
        const problem = versionProblem(m, minVersion, options.allowSelfConnection ? undefined : nonces);
        if (problem || m.command !== 'version') {
          if (problem) fail(...problem);
          return;
        }
        result = negotiated(m, local ?? sendLocalVersion(), scheduler.now());
        if (result.protocolVersion >= ProtocolVersion.AddrV2) {
          if (options.wtxidRelay) send({ command: 'wtxidrelay' });
          send({ command: 'sendaddrv2' });
        }
        send({ command: 'verack' });
        state = 'verack';
      };

      const onVerack = (m: Message, r: Negotiated): void => {
        const step = beforeVerack(m, r);
        if (step instanceof PeerError) fail(step);
        else if (step === 'verack') {
          state = 'done';
          timer.unsubscribe();
          options.onNegotiated?.(r);
        }
      };

      const onDone = (m: Message, r: Negotiated): void => {
        const step = afterVerack(m, r);
        if (step instanceof PeerError) fail(step);
        else if (step === 'pass') subscriber.next(m);
        else if (step) send(step);
      };

      if (!options.inbound) sendLocalVersion();

      const subscription = source.subscribe({
        next(m) {
          if (state === 'version') onVersion(m);
          else if (state === 'verack') onVerack(m, result!);
          else if (state === 'done') onDone(m, result!);
        },
        error(e: unknown) {
          timer.unsubscribe();
          if (state !== 'failed') subscriber.error(e);
        },
        complete() {
          timer.unsubscribe();
          if (state === 'done') subscriber.complete();
          else if (state !== 'failed')
            subscriber.error(new PeerError(PeerErrorCode.Disconnected, 'connection closed during the handshake'));
        },
      });
      return () => {
        timer.unsubscribe();
        subscription.unsubscribe();
      };
    });
}

/**
 * Why a first message fails the handshake — not a `version` (btcd rejects
 * it as malformed), one of our own nonces (a connection to ourselves, when
 * `ourNonces` is given), or a version below `minVersion` (rejected as
 * obsolete) — with the reject to send first; undefined for a good version.
 */
function versionProblem(m: Message, minVersion: number, ourNonces: MruSet<bigint> | undefined): [PeerError, RejectMessage?] | undefined {
  if (m.command !== 'version') {
    const why = 'a version message must precede all others';
    return [new PeerError(PeerErrorCode.VersionExpected, why, commandOf(m)), reject(commandOf(m), RejectCode.Malformed, why)];
  }
  if (ourNonces?.has(m.nonce)) return [new PeerError(PeerErrorCode.SelfConnection, 'disconnecting peer connected to self', 'version')];
  if (m.version < minVersion) {
    const reason = `protocol version must be ${minVersion} or greater`;
    return [
      new PeerError(PeerErrorCode.ObsoleteVersion, `${reason}, got ${m.version}`, 'version'),
      reject('version', RejectCode.Obsolete, reason),
    ];
  }
  return undefined;
}

/** What two version messages settle, at `now` (ms): the lower protocol version, the remote's witness flag and clock offset. */
function negotiated(remote: VersionMessage, ours: VersionMessage, now: number): Negotiated {
  return {
    remote,
    protocolVersion: Math.min(ours.version, remote.version),
    sendAddrV2: false,
    wtxidRelay: false,
    witness: hasService(remote.services, ServiceFlag.Witness),
    timeOffset: Number(remote.timestamp) - Math.floor(now / 1000),
  };
}

/**
 * A message between the versions and verack: `verack` ends the handshake,
 * `sendaddrv2`/`wtxidrelay` (BIP155/BIP339, from 70016) are noted in `r`,
 * unknown ones are ignored (undefined); anything else fails it.
 */
function beforeVerack(m: Message, r: Negotiated): 'verack' | PeerError | undefined {
  switch (m.command) {
    case 'verack':
      return 'verack';
    case 'sendaddrv2':
      if (r.protocolVersion >= ProtocolVersion.AddrV2) r.sendAddrV2 = true;
      return undefined;
    case 'wtxidrelay':
      if (r.protocolVersion >= ProtocolVersion.AddrV2) r.wtxidRelay = true;
      return undefined;
    case 'unknown':
      return undefined;
    default:
      return new PeerError(PeerErrorCode.InvalidHandshake, `${m.command} received before verack`, m.command);
  }
}

/**
 * A message after verack: passed on, or a duplicate `version`/`verack`
 * answered with a reject (to peers whose version knows `reject`), or a late
 * `sendaddrv2`/`wtxidrelay` that fails the peer.
 */
function afterVerack(m: Message, r: Negotiated): 'pass' | RejectMessage | PeerError | undefined {
  switch (m.command) {
    case 'version':
    case 'verack':
      return r.protocolVersion >= ProtocolVersion.Reject
        ? reject(m.command, RejectCode.Duplicate, `duplicate ${m.command} message`)
        : undefined;
    case 'sendaddrv2':
    case 'wtxidrelay':
      return new PeerError(PeerErrorCode.ProtocolViolation, `${m.command} received after verack`, m.command);
    default:
      return 'pass';
  }
}
