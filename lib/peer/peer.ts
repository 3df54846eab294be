import { Subject, Subscription, filter, map, takeUntil, tap, timer, type Observable } from 'rxjs';
import { decodeMessages } from '../stream/decode-messages.js';
import type { Connection } from '../transport/connection.js';
import { V2Session } from '../v2/session.js';
import { ProtocolError } from '../wire/errors.js';
import { encodeMessage } from '../wire/frame.js';
import type { Command, Message, MessageOf } from '../wire/message.js';
import { MAX_ADDR_PER_MESSAGE, type TimedNetAddress } from '../wire/messages/addr.js';
import type { AddrV2Entry } from '../wire/messages/addrv2.js';
import { InvType, type InvVector } from '../wire/messages/inv.js';
import { RejectCode, type RejectMessage } from '../wire/messages/reject.js';
import { ProtocolVersion } from '../wire/protocol.js';
import { resolvePeerConfig, type PeerConfig, type ResolvedPeerConfig } from './config.js';
import { detectStalls } from './detect-stalls.js';
import { PeerError, PeerErrorCode } from './errors.js';
import { gateMessages } from './gate-messages.js';
import { handshake, type Negotiated } from './handshake.js';
import { keepAlive } from './keep-alive.js';
import { KnownInventory } from './known-inventory.js';
import { OutboundQueue } from './outbound-queue.js';
import { selectAddresses } from './select-addresses.js';
import { initialStats, type PeerStats } from './stats.js';
import { KnownAddresses } from './known-addresses.js';
import { LocatorRequests, type LocatorCommand } from './locator-requests.js';
import { trickleInventory } from './trickle-inventory.js';
import { buildVersionMessage } from './version-message.js';
import type { Disconnection, Peer } from './peer-api.js';

let nextId = 1;
const ignore = (): void => undefined;

/** The peer implementation; see {@link createPeer}. */
class RxPeer implements Peer {
  readonly messages$: Observable<Message>;
  readonly handshake: Promise<Negotiated>;
  readonly closed: Promise<Disconnection>;
  readonly stats$: Observable<PeerStats>;

  private readonly config: ResolvedPeerConfig;
  private readonly connection: Connection;
  private readonly incoming = new Subject<Message>();
  private readonly inventory = new Subject<InvVector>();
  private readonly closing = new Subject<void>();
  private readonly outbound: OutboundQueue;
  private readonly known = new KnownInventory();
  private readonly knownAddresses = new KnownAddresses();
  private readonly subscriptions = new Subscription();
  private resolveHandshake: (n: Negotiated) => void = ignore;
  private rejectHandshake: (e: Error) => void = ignore;
  private resolveClosed: (d: Disconnection) => void = ignore;
  private negotiated: Negotiated | undefined;
  private isConnected = true;
  private readonly locators = new LocatorRequests();
  private filteredBlocksRequested = false;
  private lastAnnounced: Uint8Array | undefined;
  /** Everything in a stats snapshot but the transport, which the session knows. */
  private readonly state: Omit<PeerStats, 'transport' | 'sessionId'>;
  private readonly session: V2Session | undefined;

  constructor(connection: Connection, config: ResolvedPeerConfig) {
    this.config = config;
    this.connection = connection;
    const scheduler = config.scheduler;
    this.state = initialStats(nextId++, connection.remoteAddress, config.inbound, scheduler.now());
    this.messages$ = this.incoming.asObservable();
    this.handshake = new Promise<Negotiated>((resolve, reject) => {
      this.resolveHandshake = resolve;
      this.rejectHandshake = reject;
    });
    this.handshake.catch(ignore); // the rejection is for whoever awaits it, never unhandled
    this.closed = new Promise<Disconnection>((resolve) => {
      this.resolveClosed = resolve;
    });
    this.stats$ = timer(0, config.statsInterval, scheduler).pipe(
      map(() => this.stats()),
      takeUntil(this.closing),
    );

    this.session = this.openSession();
    this.outbound = this.openOutbound();
    const pipeline$ = this.messagePipeline();
    // A filtered-block request must be known before its merkleblock can arrive (BIP111 gate): note it as it starts.
    this.subscriptions.add(
      this.outbound.started$.subscribe((m) => {
        if (m.command === 'getdata' && m.items.some((i) => (i.type & 0xffff) === InvType.FilteredBlock))
          this.filteredBlocksRequested = true;
      }),
    );
    this.subscriptions.add(
      pipeline$.subscribe({
        next: (m) => this.incoming.next(m),
        error: (e: unknown) => this.fail(e),
        complete: () => this.disconnect('remote closed the connection'),
      }),
    );
    this.subscriptions.add(
      this.inventory.pipe(trickleInventory({ interval: config.trickleInterval, known: this.known, scheduler })).subscribe((inv) => {
        this.outbound.send(inv).catch(ignore);
      }),
    );
    connection.closed.then(() => this.disconnect('connection closed'), ignore);
  }

  /** The BIP324 session between the bytes and the messages (v2 and inbound detection; none for v1): it writes its own handshake. */
  private openSession(): V2Session | undefined {
    const { config, connection } = this;
    if (config.transport === 'v1') return undefined;
    return new V2Session(
      (bytes) => {
        this.state.bytesSent += bytes.length;
        return connection.write(bytes);
      },
      {
        network: config.network,
        initiating: !config.inbound,
        detect: config.transport === 'detect',
        maxPayloadSize: config.maxPayloadSize,
        timeout: config.negotiateTimeout,
        scheduler: config.scheduler,
        ...config.v2,
      },
    );
  }

  /** The send queue: paused until the handshake, encoding through the session when there is one, counting what it writes. */
  private openOutbound(): OutboundQueue {
    const { config, connection, session } = this;
    return new OutboundQueue(
      (bytes) => connection.write(bytes),
      session ? (m) => session.encode(m) : (m) => encodeMessage(config.network, m),
      {
        capacity: config.outboundQueueSize,
        paused: true,
        ...(session ? { ready: session.ready } : {}),
        onWritten: (_m, n) => {
          this.state.bytesSent += n;
          this.state.lastSend = config.scheduler.now();
        },
      },
    );
  }

  /**
   * Bytes to delivered messages: framing (v1) or the session (v2), the
   * handshake, keep-alive, the protocol gate, bookkeeping and stall
   * detection, in that order.
   */
  private messagePipeline(): Observable<Message> {
    const { config, connection, session } = this;
    const scheduler = config.scheduler;
    const urgent = (m: Message): Promise<void> => this.outbound.send(m, true);
    const ordinary = (m: Message): Promise<void> => this.outbound.send(m);
    const version = (): number => this.negotiated?.protocolVersion ?? config.protocolVersion;

    return connection.bytes$.pipe(
      tap((chunk) => {
        this.state.bytesReceived += chunk.length;
      }),
      session ? session.decode() : decodeMessages(config.network, { maxPayloadSize: config.maxPayloadSize }),
      tap(() => {
        this.state.lastRecv = scheduler.now();
      }),
      handshake({
        inbound: config.inbound,
        localVersion: () => buildVersionMessage(config, connection.remoteAddress),
        send: urgent,
        onNegotiated: (n) => this.onNegotiated(n),
        timeout: config.negotiateTimeout,
        minProtocolVersion: config.minProtocolVersion,
        wtxidRelay: config.wtxidRelay,
        allowSelfConnection: config.allowSelfConnection,
        sentNonces: config.sentNonces,
        scheduler,
      }),
      keepAlive({
        send: ordinary,
        pingInterval: config.pingInterval,
        idleTimeout: config.idleTimeout,
        bip31: () => version() > ProtocolVersion.Bip31,
        onPing: (nonce, at) => {
          this.state.lastPingNonce = nonce;
          this.state.lastPingTime = at;
        },
        onPong: (latency) => {
          this.state.lastPingNonce = 0n;
          this.state.lastPingMicros = Math.round(latency * 1000);
        },
        scheduler,
      }),
      gateMessages({ protocolVersion: version, services: config.services, expectsMerkleBlocks: () => this.filteredBlocksRequested }),
      tap((m) => this.observe(m)),
      detectStalls({
        sent$: this.outbound.started$,
        tickInterval: config.stallTickInterval,
        responseTimeout: config.stallResponseTimeout,
        scheduler,
      }),
    );
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get lastAnnouncedBlock(): Uint8Array | undefined {
    return this.lastAnnounced;
  }

  on<C extends Command>(command: C): Observable<MessageOf<C>> {
    return this.messages$.pipe(filter((m): m is MessageOf<C> => m.command === command));
  }

  send(message: Message): Promise<void> {
    return this.outbound.send(message);
  }

  queue(message: Message): void {
    this.outbound.send(message).catch(ignore);
  }

  queueInventory(item: InvVector): void {
    if (this.isConnected && !this.known.has(item)) this.inventory.next(item);
  }

  addKnownInventory(item: InvVector): void {
    this.known.add(item);
  }

  async pushAddr(addresses: readonly TimedNetAddress[]): Promise<TimedNetAddress[]> {
    const chosen = selectAddresses(addresses, (a) => this.knownAddresses.has(a), MAX_ADDR_PER_MESSAGE);
    if (chosen.length === 0) return chosen;
    for (const a of chosen) this.knownAddresses.add(a);
    await this.send({ command: 'addr', addresses: chosen });
    return chosen;
  }

  async pushAddrV2(addresses: readonly AddrV2Entry[]): Promise<AddrV2Entry[]> {
    const chosen = selectAddresses(addresses, (a) => this.knownAddresses.has(a), MAX_ADDR_PER_MESSAGE);
    if (chosen.length === 0) return chosen;
    for (const a of chosen) this.knownAddresses.add(a);
    await this.send({ command: 'addrv2', addresses: chosen });
    return chosen;
  }

  pushGetBlocks(locator: Uint8Array[], stopHash: Uint8Array): Promise<boolean> {
    return this.pushLocator('getblocks', locator, stopHash);
  }

  pushGetHeaders(locator: Uint8Array[], stopHash: Uint8Array): Promise<boolean> {
    return this.pushLocator('getheaders', locator, stopHash);
  }

  async pushReject(command: string, code: number, reason: string, hash?: Uint8Array, wait = false): Promise<void> {
    if (!this.isConnected) return;
    if ((this.negotiated?.protocolVersion ?? 0) < ProtocolVersion.Reject) return;
    const m: RejectMessage = { command: 'reject', message: command, code, reason };
    if (hash) m.hash = hash;
    const written = this.outbound.send(m);
    if (wait) await written.catch(ignore);
    else written.catch(ignore);
  }

  updateLastBlockHeight(height: number): void {
    if (height > this.state.lastBlock) this.state.lastBlock = height;
  }

  updateLastAnnouncedBlock(hash: Uint8Array): void {
    this.lastAnnounced = hash;
  }

  stats(): PeerStats {
    return { ...this.state, ...this.transportInfo() };
  }

  /** The transport the remote has proved (v1 until a v2 version packet authenticates) and, for v2, the session id. */
  private transportInfo(): { transport: 'v1' | 'v2'; sessionId: string | undefined } {
    const transport = this.session?.establishedTransport ?? 'v1';
    return { transport, sessionId: transport === 'v2' ? this.session?.sessionId : undefined };
  }

  disconnect(reason = 'disconnected by the caller', error?: Error): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    const cause = error ?? new PeerError(PeerErrorCode.Disconnected, reason);
    this.subscriptions.unsubscribe(); // later additions are torn down at once
    this.outbound.close(
      cause instanceof PeerError && cause.code === PeerErrorCode.Disconnected ? cause : new PeerError(PeerErrorCode.Disconnected, reason),
    );
    this.connection.close();
    this.rejectHandshake(cause);
    this.closing.next();
    this.closing.complete();
    this.incoming.complete();
    this.inventory.complete();
    this.resolveClosed(error ? { reason, error } : { reason });
  }

  private onNegotiated(n: Negotiated): void {
    const { transport, sessionId } = this.transportInfo();
    n.transport = transport;
    if (sessionId) n.sessionId = sessionId;
    this.negotiated = n;
    Object.assign(this.state, {
      services: n.remote.services,
      userAgent: n.remote.userAgent,
      protocolVersion: n.protocolVersion,
      startHeight: n.remote.startHeight,
      lastBlock: Math.max(this.state.lastBlock, n.remote.startHeight),
      timeOffset: n.timeOffset,
      witnessEnabled: n.witness,
      wantsAddrV2: n.sendAddrV2,
      wtxidRelay: n.wtxidRelay,
      handshakeComplete: true,
    });
    this.outbound.resume();
    this.resolveHandshake(n);
  }

  /** Bookkeeping on each delivered message, before subscribers see it. */
  private observe(m: Message): void {
    switch (m.command) {
      case 'inv':
        for (const item of m.items) this.known.add(item);
        break;
      case 'addr':
      case 'addrv2':
        for (const a of m.addresses) this.knownAddresses.add(a);
        break;
      case 'sendheaders':
        this.state.wantsHeaders = true;
        break;
      case 'feefilter':
        this.state.feeFilter = m.feeRate;
        break;
      default:
        break;
    }
  }

  private async pushLocator(command: LocatorCommand, locator: Uint8Array[], stopHash: Uint8Array): Promise<boolean> {
    if (!this.locators.fresh(command, locator, stopHash)) return false;
    const version = this.negotiated?.protocolVersion ?? this.config.protocolVersion;
    await this.send({ command, version, locator, stopHash });
    return true;
  }

  /** A protocol error from the remote: answer malformed input with a reject (as btcd does), then disconnect. */
  private fail(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    if (error instanceof ProtocolError && this.negotiated && this.isConnected) {
      const done = (): void => this.disconnect(`protocol error: ${error.message}`, error);
      void this.pushReject(error.command ?? 'malformed', RejectCode.Malformed, error.message.slice(0, 111), undefined, true).then(
        done,
        done,
      );
      this.subscriptions.add(timer(1000, this.config.scheduler).subscribe(done)); // never wait long on a remote that does not read
      return;
    }
    this.disconnect(error.message, error);
  }
}

/**
 * Create a Bitcoin peer over a connection: the handshake starts at once
 * (outbound peers send their version first), then the keep-alive, stall
 * detection, inventory trickling and protocol rules run until the
 * connection closes or `disconnect` is called.
 *
 * @param connection - from `connectTcp`, `fromSocket`, `memoryPair`…
 * @param config - network and options; see {@link PeerConfig}
 * @throws TypeError or RangeError at once for a bad config
 * @example
 * ```ts
 * import { connectTcp, createPeer, networks } from 'rxbtc';
 * const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: 18444 }), { network: networks.regtest });
 * const { remote } = await peer.handshake;
 * peer.on('inv').subscribe((inv) => console.log(inv.items.length));
 * await peer.closed;
 * ```
 */
export function createPeer(connection: Connection, config: PeerConfig): Peer {
  return new RxPeer(connection, resolvePeerConfig(config));
}
