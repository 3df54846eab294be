import { Observable, Subscription, asyncScheduler, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { ProtocolError, ProtocolErrorCode } from '../wire/errors.js';
import { MAX_PAYLOAD_SIZE, encodeMessage } from '../wire/frame.js';
import { MessageFramer } from '../wire/framer.js';
import { bytesEqual, toHex } from '../wire/hex.js';
import type { Message } from '../wire/message.js';
import { magicBytes, type Network } from '../wire/networks.js';
import { ByteQueue } from './byte-queue.js';
import { TAG_SIZE } from './chacha.js';
import { decodeContents, encodeContents } from './contents.js';
import { ellswiftCreate, randomBytes, v2Ecdh, type EllswiftKeyPair, type RandomBytes } from './ellswift.js';
import { V2Error, V2ErrorCode } from './errors.js';
import { deriveV2Keys } from './keys.js';
import { HEADER_SIZE, LENGTH_FIELD_SIZE, PacketCipher } from './packet-cipher.js';

/** Most garbage either side may send before its terminator (BIP324). */
export const MAX_GARBAGE_SIZE = 4095;
/** Bytes of a garbage terminator. */
export const GARBAGE_TERMINATOR_SIZE = 16;
/** Bytes of an ElligatorSwift public key. */
export const ELLSWIFT_SIZE = 64;
/** Bytes of a long message type: a zero, then 12 ASCII bytes. */
const LONG_TYPE_SIZE = 13;
/** How long the key exchange and the version packet may take, ms. @default */
export const V2_HANDSHAKE_TIMEOUT = 30_000;

/** Which transport a connection ended up speaking. */
export type TransportKind = 'v1' | 'v2';

/** Options of {@link V2Session}. */
export interface V2SessionOptions {
  /** The network: its magic salts the keys and forms the v1 prefix. */
  network: Network;
  /** True for the side that opened the connection. */
  initiating: boolean;
  /** Responder only: a first 16 bytes of magic + `version\0\0\0\0\0` mean v1 (BIP324's detection). @default false */
  detect?: boolean;
  /** Largest message payload accepted. @default 32 MiB */
  maxPayloadSize?: number;
  /** Bytes of garbage to send after the key. @default random, 0..4095 */
  garbageLength?: number;
  /**
   * Initiator: send the garbage with the terminator, after the responder's
   * key arrived, instead of with our key. A v1-only responder then sees 64
   * bytes, not up to 4 KiB, before we notice and leave (bcoin scores every
   * bad 24-byte header and bans at 10). `connectPeer`'s `auto` uses it.
   * @default false
   */
  delayGarbage?: boolean;
  /** Contents lengths of decoy packets to send before the version packet. @default none */
  decoys?: readonly number[];
  /** The ephemeral key (tests and vectors); fresh by default. */
  keyPair?: EllswiftKeyPair;
  /** Randomness for the key and garbage. @default crypto.getRandomValues */
  random?: RandomBytes;
  /** Deadline for the key exchange and the remote's version packet, ms. @default 30000 */
  timeout?: number;
  /** Scheduler of the deadline. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

type State = 'detect' | 'key' | 'garbage' | 'packets' | 'v1';

/**
 * One BIP324 connection end: the key exchange, garbage, the version
 * packet, then messages as encrypted packets. `decode()` is the operator
 * from the connection's bytes to messages (the v2 counterpart of
 * `decodeMessages`; with `detect`, a v1 client is served as v1), and
 * `encode(message)` gives the bytes to write, once `ready` has resolved.
 * The session writes its own handshake bytes through `write`.
 */
export class V2Session {
  /** Resolves with the transport once messages may be encoded (our keys are set, or v1 was detected). */
  readonly ready: Promise<TransportKind>;
  /** Resolves with the transport once the remote proved it (its version packet authenticated, or v1 was detected). */
  readonly established: Promise<TransportKind>;
  private resolveEstablished: (t: TransportKind) => void = () => undefined;
  private rejectEstablished: (e: unknown) => void = () => undefined;
  private resolveReady: (t: TransportKind) => void = () => undefined;
  private rejectReady: (e: unknown) => void = () => undefined;
  private readonly options: V2SessionOptions;
  private readonly write: (bytes: Uint8Array) => Promise<void>;
  private kind: TransportKind | undefined;
  private provenKind: TransportKind | undefined;
  private id: Uint8Array | undefined;
  private send: PacketCipher | undefined;
  private keyPair: EllswiftKeyPair | undefined;
  private sentGarbage: Uint8Array = new Uint8Array(0);
  private readonly maxContents: number;
  /** An initiator that sends its garbage with the terminator (see `delayGarbage`). */
  private readonly garbageLater: boolean;
  private started = false;

  /**
   * @param write - writes bytes to the connection, in call order
   * @param options - network, role, detection, limits
   */
  constructor(write: (bytes: Uint8Array) => Promise<void>, options: V2SessionOptions) {
    this.write = write;
    this.options = options;
    this.maxContents = LONG_TYPE_SIZE + (options.maxPayloadSize ?? MAX_PAYLOAD_SIZE);
    this.garbageLater = options.initiating && options.delayGarbage === true;
    this.ready = new Promise<TransportKind>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined); // a failure reaches the decoder's subscriber; this is for who awaits it
    this.established = new Promise<TransportKind>((resolve, reject) => {
      this.resolveEstablished = (t) => {
        this.provenKind = t;
        resolve(t);
      };
      this.rejectEstablished = reject;
    });
    this.established.catch(() => undefined);
  }

  /** `v1` or `v2` once known (`v2` from our keys on, before the remote has proved itself). */
  get transport(): TransportKind | undefined {
    return this.kind;
  }

  /** The transport once {@link V2Session.established} (synchronously, for snapshots), else undefined. */
  get establishedTransport(): TransportKind | undefined {
    return this.provenKind;
  }

  /** The session id (hex) once the keys are derived: equal at both ends unless someone is in the middle. */
  get sessionId(): string | undefined {
    return this.id && toHex(this.id);
  }

  /**
   * The bytes of one message: a v2 packet, or a v1 frame after v1 was detected.
   * @throws Error before `ready`
   */
  encode(message: Message): Uint8Array {
    if (this.kind === 'v2') return this.send!.encryptPlaintext(encodeContents(message, true));
    if (this.kind === 'v1') return encodeMessage(this.options.network, message);
    throw new Error('the v2 session is not ready');
  }

  /** Send our key and garbage (the initiator at once; the responder once it knows the remote speaks v2). */
  private sendKey(): void {
    const random = this.options.random ?? randomBytes;
    this.keyPair = this.options.keyPair ?? ellswiftCreate(random);
    const garbageLength = this.options.garbageLength ?? (random(2)[0]! | (random(1)[0]! << 8)) % (MAX_GARBAGE_SIZE + 1);
    if (!(garbageLength >= 0 && garbageLength <= MAX_GARBAGE_SIZE)) throw new RangeError(`garbage is 0..${MAX_GARBAGE_SIZE} bytes`);
    this.sentGarbage = random(garbageLength);
    const out = new Uint8Array(ELLSWIFT_SIZE + (this.garbageLater ? 0 : garbageLength));
    out.set(this.keyPair.publicKey, 0);
    if (!this.garbageLater) out.set(this.sentGarbage, ELLSWIFT_SIZE);
    this.write(out).catch(() => undefined); // a failed write surfaces as the connection's error
  }

  /** The operator from the connection's bytes to messages. Subscribe once. */
  decode(): OperatorFunction<Uint8Array, Message> {
    return (source) =>
      new Observable<Message>((subscriber) => {
        if (this.started) throw new Error('a V2Session decodes one stream');
        this.started = true;
        const { network, initiating } = this.options;
        const queue = new ByteQueue();
        const v1Prefix = new Uint8Array(16);
        v1Prefix.set(magicBytes(network), 0);
        v1Prefix.set(new TextEncoder().encode('version'), 4);
        let state: State = initiating ? 'key' : this.options.detect ? 'detect' : 'key';
        let recv: PacketCipher | undefined;
        let recvTerminator: Uint8Array = new Uint8Array(0);
        let aad: Uint8Array = new Uint8Array(0);
        let pendingLength: number | undefined;
        let versionSeen = false;
        let framer: MessageFramer | undefined;
        const deadline = new Subscription();

        const fail = (e: unknown): void => {
          deadline.unsubscribe();
          this.rejectReady(e);
          this.rejectEstablished(e);
          subscriber.error(e);
        };

        const step = (): boolean => {
          switch (state) {
            case 'detect': {
              const n = Math.min(queue.length, 16);
              const head = queue.peek(n);
              for (let i = 0; i < n; i++) {
                if (head[i] !== v1Prefix[i]) {
                  this.sendKey();
                  state = 'key';
                  return true;
                }
              }
              if (n < 16) return false;
              state = 'v1';
              this.kind = 'v1';
              deadline.unsubscribe(); // the v1 handshake has its own deadline
              framer = new MessageFramer(network, { maxPayloadSize: this.options.maxPayloadSize ?? MAX_PAYLOAD_SIZE });
              this.resolveReady('v1');
              this.resolveEstablished('v1');
              for (const c of queue.drain()) framer.push(c, (m) => subscriber.next(m));
              return false;
            }
            case 'key': {
              if (queue.length < ELLSWIFT_SIZE) return false;
              const theirs = queue.read(ELLSWIFT_SIZE).slice();
              // A v1 node that speaks first sends its version where the key belongs (of any network: the magic may differ).
              if (initiating && bytesEqual(theirs.subarray(4, 16), v1Prefix.subarray(4, 16))) {
                const same = bytesEqual(theirs.subarray(0, 4), v1Prefix.subarray(0, 4));
                throw new V2Error(
                  V2ErrorCode.V1Responder,
                  `the remote sent a v1 version message${same ? '' : ' of another network'}: it does not speak v2`,
                );
              }
              if (!initiating && bytesEqual(theirs.subarray(4, 16), v1Prefix.subarray(4, 16))) {
                throw new V2Error(V2ErrorCode.WrongNetwork, 'a v1 version message from another network');
              }
              const keyPair = this.keyPair!;
              const k = deriveV2Keys(v2Ecdh(keyPair.privateKey, theirs, keyPair.publicKey, initiating), magicBytes(network));
              this.id = k.sessionId;
              this.send = initiating ? new PacketCipher(k.initiatorL, k.initiatorP) : new PacketCipher(k.responderL, k.responderP);
              recv = initiating ? new PacketCipher(k.responderL, k.responderP) : new PacketCipher(k.initiatorL, k.initiatorP);
              recvTerminator = initiating ? k.responderGarbageTerminator : k.initiatorGarbageTerminator;
              const terminator = initiating ? k.initiatorGarbageTerminator : k.responderGarbageTerminator;
              // Terminator, decoys, then the version packet; the first packet authenticates our garbage.
              const parts: Uint8Array[] = this.garbageLater ? [this.sentGarbage, terminator] : [terminator];
              let first: Uint8Array = this.sentGarbage;
              for (const length of this.options.decoys ?? []) {
                parts.push(this.send.encrypt(new Uint8Array(length), first, true));
                first = new Uint8Array(0);
              }
              parts.push(this.send.encrypt(new Uint8Array(0), first));
              const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
              let at = 0;
              for (const p of parts) {
                out.set(p, at);
                at += p.length;
              }
              this.write(out).catch(() => undefined);
              this.kind = 'v2';
              this.resolveReady('v2');
              state = 'garbage';
              return true;
            }
            case 'garbage': {
              const window = queue.peek(Math.min(queue.length, MAX_GARBAGE_SIZE + GARBAGE_TERMINATOR_SIZE));
              const at = indexOf(window, recvTerminator);
              if (at < 0) {
                if (window.length === MAX_GARBAGE_SIZE + GARBAGE_TERMINATOR_SIZE) {
                  throw new V2Error(V2ErrorCode.NoTerminator, `no garbage terminator in ${MAX_GARBAGE_SIZE} bytes`);
                }
                return false;
              }
              aad = queue.read(at).slice();
              queue.read(GARBAGE_TERMINATOR_SIZE);
              state = 'packets';
              return true;
            }
            case 'packets': {
              if (pendingLength === undefined) {
                if (queue.length < LENGTH_FIELD_SIZE) return false;
                pendingLength = recv!.decryptLength(queue.read(LENGTH_FIELD_SIZE));
                if (pendingLength > this.maxContents) {
                  throw new V2Error(V2ErrorCode.TooLong, `a ${pendingLength}-byte packet exceeds ${this.maxContents}`);
                }
              }
              const size = HEADER_SIZE + pendingLength + TAG_SIZE;
              if (queue.length < size) return false;
              const opened = recv!.decrypt(queue.read(size), aad);
              aad = new Uint8Array(0);
              pendingLength = undefined;
              if (!opened) throw new V2Error(V2ErrorCode.BadPacket, 'a packet did not authenticate');
              if (opened.ignore) return true;
              if (!versionSeen) {
                versionSeen = true; // its contents are reserved for future versions: ignored
                deadline.unsubscribe();
                this.resolveEstablished('v2');
                return true;
              }
              subscriber.next(decodeContents(opened.contents));
              return true;
            }
            case 'v1':
              return false;
          }
        };

        // A write may deliver the remote's answer synchronously (in-memory pairs): such bytes are queued, and the loop
        // that is already running reads them, so a step never runs inside another.
        let running = false;
        const run = (): void => {
          if (running) return;
          running = true;
          try {
            while (!subscriber.closed && step()) {
              /* keep going while whole units are buffered */
            }
          } catch (e) {
            fail(e);
          } finally {
            running = false;
          }
        };

        deadline.add(
          timer(this.options.timeout ?? V2_HANDSHAKE_TIMEOUT, this.options.scheduler ?? asyncScheduler).subscribe(() =>
            fail(new V2Error(V2ErrorCode.Timeout, `no v2 handshake within ${this.options.timeout ?? V2_HANDSHAKE_TIMEOUT} ms`)),
          ),
        );
        const inner = source.subscribe({
          next: (chunk) => {
            if (subscriber.closed) return;
            if (state === 'v1') {
              try {
                framer!.push(chunk, (m) => subscriber.next(m));
              } catch (e) {
                fail(e);
              }
              return;
            }
            queue.push(chunk);
            run();
          },
          error: (e: unknown) => {
            fail(
              state === 'key' || state === 'detect'
                ? new V2Error(V2ErrorCode.KeyExchangeClosed, `connection failed during the key exchange: ${String(e)}`, { cause: e })
                : e,
            );
          },
          complete: () => {
            if (state === 'key' || state === 'detect') {
              fail(new V2Error(V2ErrorCode.KeyExchangeClosed, 'the remote closed during the key exchange'));
            } else if (state === 'v1' && framer!.buffered > 0) {
              fail(new ProtocolError(ProtocolErrorCode.Truncated, `stream ended with ${framer!.buffered} bytes of an unfinished frame`));
            } else if (state !== 'v1' && (queue.length > 0 || pendingLength !== undefined || !versionSeen)) {
              fail(new V2Error(V2ErrorCode.Truncated, 'the stream ended inside a v2 packet or handshake'));
            } else {
              deadline.unsubscribe();
              subscriber.complete();
            }
          },
        });
        // Listen first, then speak: the answer may come back at once.
        if (initiating || !this.options.detect) {
          try {
            this.sendKey();
          } catch (e) {
            fail(e);
          }
        }
        return () => {
          inner.unsubscribe();
          deadline.unsubscribe();
        };
      });
  }
}

/** First index of `needle` in `haystack`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first!); i >= 0 && i + needle.length <= haystack.length; i = haystack.indexOf(first!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
