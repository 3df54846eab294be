import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { Command, Message } from '../wire/message.js';
import { ProtocolVersion } from '../wire/protocol.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import { PeerError, PeerErrorCode } from './errors.js';

/** The protocol version each command needs; below it the message is not delivered. */
export const MIN_VERSION_BY_COMMAND: Readonly<Partial<Record<Command, number>>> = {
  pong: ProtocolVersion.Bip31 + 1,
  mempool: ProtocolVersion.Bip35,
  filterload: ProtocolVersion.Bip37,
  filteradd: ProtocolVersion.Bip37,
  filterclear: ProtocolVersion.Bip37,
  merkleblock: ProtocolVersion.Bip37,
  reject: ProtocolVersion.Reject,
  sendheaders: ProtocolVersion.SendHeaders,
  feefilter: ProtocolVersion.FeeFilter,
  sendcmpct: ProtocolVersion.ShortIds,
  cmpctblock: ProtocolVersion.ShortIds,
  getblocktxn: ProtocolVersion.ShortIds,
  blocktxn: ProtocolVersion.ShortIds,
  addrv2: ProtocolVersion.AddrV2,
};

const BLOOM_COMMANDS: ReadonlySet<string> = new Set(['filterload', 'filteradd', 'filterclear', 'merkleblock']);

/** Options of {@link gateMessages}. */
export interface GateOptions {
  /** The negotiated protocol version. */
  protocolVersion: () => number;
  /** Services we advertise. */
  services: bigint;
  /** True while we have asked for filtered blocks, so `merkleblock` replies are wanted. @default never */
  expectsMerkleBlocks?: () => boolean;
  /** Called for each message withheld, with the reason. */
  onIgnored?: (message: Message, reason: string) => void;
}

/**
 * Protocol-version gating and BIP111 bloom rules. Messages whose command
 * needs a newer version than the negotiated one are withheld. Bloom
 * commands (filterload, filteradd, filterclear, and merkleblock unless we
 * asked for filtered blocks) when we do not advertise NODE_BLOOM: at
 * version ≥ 70011 a {@link PeerError} `protocol-violation` (disconnect),
 * below it withheld silently.
 */
export function gateMessages(options: GateOptions): MonoTypeOperatorFunction<Message> {
  const bloom = hasService(options.services, ServiceFlag.Bloom);
  return (source) =>
    new Observable<Message>((subscriber) =>
      source.subscribe({
        next(m) {
          const version = options.protocolVersion();
          const min = MIN_VERSION_BY_COMMAND[m.command];
          if (min !== undefined && version < min) {
            options.onIgnored?.(m, `${m.command} needs protocol version ${min}, negotiated ${version}`);
            return;
          }
          if (!bloom && BLOOM_COMMANDS.has(m.command) && !(m.command === 'merkleblock' && options.expectsMerkleBlocks?.())) {
            if (version >= ProtocolVersion.Bip111) {
              subscriber.error(
                new PeerError(PeerErrorCode.ProtocolViolation, `${m.command} sent to a node without NODE_BLOOM (BIP111)`, m.command),
              );
            } else {
              options.onIgnored?.(m, `${m.command} ignored: NODE_BLOOM not advertised`);
            }
            return;
          }
          subscriber.next(m);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
}
