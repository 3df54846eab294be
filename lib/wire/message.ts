import { ByteReader } from './reader.js';
import { withWriter, type ByteWriter } from './writer.js';
import { MAX_BLOCK_SERIALIZED_SIZE } from './transaction.js';
import { NET_ADDRESS_SIZE } from './netaddress.js';
import { MAX_ADDR_PER_MESSAGE, decodeAddr, encodeAddr, type AddrMessage } from './messages/addr.js';
import { MAX_ADDRV2_ADDRESS_SIZE, decodeAddrV2, encodeAddrV2, type AddrV2Message } from './messages/addrv2.js';
import { decodeBlock, encodeBlock, type BlockMessage } from './messages/block.js';
import {
  MAX_BLOOM_FILTER_SIZE,
  MAX_FILTERADD_DATA_SIZE,
  decodeFilterAdd,
  decodeFilterLoad,
  encodeFilterAdd,
  encodeFilterLoad,
  type FilterAddMessage,
  type FilterLoadMessage,
} from './messages/bloom.js';
import {
  decodeBlockTxn,
  decodeCmpctBlock,
  decodeGetBlockTxn,
  decodeSendCmpct,
  encodeBlockTxn,
  encodeCmpctBlock,
  encodeGetBlockTxn,
  encodeSendCmpct,
  type BlockTxnMessage,
  type CmpctBlockMessage,
  type GetBlockTxnMessage,
  type SendCmpctMessage,
} from './messages/compact-blocks.js';
import {
  MAX_CFCHECKPT_HEADERS,
  MAX_CFHEADERS_PER_MESSAGE,
  MAX_CFILTER_SIZE,
  decodeCFCheckpt,
  decodeCFHeaders,
  decodeCFilter,
  decodeGetCFCheckpt,
  encodeCFCheckpt,
  encodeCFHeaders,
  encodeCFilter,
  encodeGetCFCheckpt,
  encodeRangeRequest,
  rangeRequestDecoder,
  type CFCheckptMessage,
  type CFHeadersMessage,
  type CFilterMessage,
  type GetCFCheckptMessage,
  type GetCFHeadersMessage,
  type GetCFiltersMessage,
} from './messages/compact-filters.js';
import {
  emptyDecoder,
  type FilterClearMessage,
  type GetAddrMessage,
  type MempoolMessage,
  type SendAddrV2Message,
  type SendHeadersMessage,
  type VerackMessage,
  type WtxidRelayMessage,
} from './messages/empty.js';
import { decodeFeeFilter, encodeFeeFilter, type FeeFilterMessage } from './messages/feefilter.js';
import { MAX_HEADERS_PER_MESSAGE, decodeHeaders, encodeHeaders, type HeadersMessage } from './messages/headers.js';
import {
  MAX_INV_PER_MESSAGE,
  encodeInventory,
  inventoryDecoder,
  type GetDataMessage,
  type InvMessage,
  type NotFoundMessage,
} from './messages/inv.js';
import { MAX_LOCATOR_HASHES, encodeLocator, locatorDecoder, type GetBlocksMessage, type GetHeadersMessage } from './messages/locator.js';
import { decodeMerkleBlock, encodeMerkleBlock, type MerkleBlockMessage } from './messages/merkleblock.js';
import { decodeNonce, encodeNonce, type PingMessage, type PongMessage } from './messages/ping.js';
import { MAX_REJECT_COMMAND_LENGTH, MAX_REJECT_REASON_LENGTH, decodeReject, encodeReject, type RejectMessage } from './messages/reject.js';
import { decodeTx, encodeTx, type TxMessage } from './messages/tx.js';
import { unknownMessage, type UnknownMessage } from './messages/unknown.js';
import { MAX_VERSION_PAYLOAD, decodeVersion, encodeVersion, type VersionMessage } from './messages/version.js';

/** Every message rxbtc decodes, discriminated by `command`. */
export type Message =
  | VersionMessage
  | VerackMessage
  | PingMessage
  | PongMessage
  | GetAddrMessage
  | AddrMessage
  | AddrV2Message
  | SendAddrV2Message
  | InvMessage
  | GetDataMessage
  | NotFoundMessage
  | GetBlocksMessage
  | GetHeadersMessage
  | HeadersMessage
  | BlockMessage
  | TxMessage
  | MempoolMessage
  | RejectMessage
  | SendHeadersMessage
  | FeeFilterMessage
  | FilterLoadMessage
  | FilterAddMessage
  | FilterClearMessage
  | MerkleBlockMessage
  | SendCmpctMessage
  | CmpctBlockMessage
  | GetBlockTxnMessage
  | BlockTxnMessage
  | WtxidRelayMessage
  | GetCFiltersMessage
  | CFilterMessage
  | GetCFHeadersMessage
  | CFHeadersMessage
  | GetCFCheckptMessage
  | CFCheckptMessage
  | UnknownMessage;

/** A message command, including the catch-all `unknown`. */
export type Command = Message['command'];

/** The message interface for one command. */
export type MessageOf<C extends Command> = Extract<
  Message,
  {
    /** The command that selects the message type. */
    command: C;
  }
>;

/** A command rxbtc has a codec for. */
export type KnownCommand = Exclude<Command, 'unknown'>;

/** How one command's payload is read and written. */
interface Codec<C extends KnownCommand> {
  /** Largest payload this command can legitimately have; larger frames are refused from the header alone. */
  readonly maxPayload: number;
  readonly decode: (r: ByteReader) => MessageOf<C>;
  readonly encode: (w: ByteWriter, m: MessageOf<C>) => void;
}

const nothing = (): void => undefined;
const EMPTY = { maxPayload: 0, encode: nothing } as const;

const VARINT = 9;
const INV_MAX = VARINT + MAX_INV_PER_MESSAGE * 36;
const LOCATOR_MAX = 4 + VARINT + MAX_LOCATOR_HASHES * 32 + 32;

const CODECS: { readonly [C in KnownCommand]: Codec<C> } = {
  version: { maxPayload: MAX_VERSION_PAYLOAD, decode: decodeVersion, encode: encodeVersion },
  verack: { ...EMPTY, decode: emptyDecoder('verack') },
  ping: { maxPayload: 8, decode: decodeNonce('ping'), encode: encodeNonce },
  pong: { maxPayload: 8, decode: decodeNonce('pong'), encode: encodeNonce },
  getaddr: { ...EMPTY, decode: emptyDecoder('getaddr') },
  addr: { maxPayload: VARINT + MAX_ADDR_PER_MESSAGE * (4 + NET_ADDRESS_SIZE), decode: decodeAddr, encode: encodeAddr },
  addrv2: {
    maxPayload: VARINT + MAX_ADDR_PER_MESSAGE * (4 + VARINT + 1 + 3 + MAX_ADDRV2_ADDRESS_SIZE + 2),
    decode: decodeAddrV2,
    encode: encodeAddrV2,
  },
  sendaddrv2: { ...EMPTY, decode: emptyDecoder('sendaddrv2') },
  inv: { maxPayload: INV_MAX, decode: inventoryDecoder('inv'), encode: encodeInventory },
  getdata: { maxPayload: INV_MAX, decode: inventoryDecoder('getdata'), encode: encodeInventory },
  notfound: { maxPayload: INV_MAX, decode: inventoryDecoder('notfound'), encode: encodeInventory },
  getblocks: { maxPayload: LOCATOR_MAX, decode: locatorDecoder('getblocks'), encode: encodeLocator },
  getheaders: { maxPayload: LOCATOR_MAX, decode: locatorDecoder('getheaders'), encode: encodeLocator },
  headers: { maxPayload: VARINT + MAX_HEADERS_PER_MESSAGE * (80 + VARINT), decode: decodeHeaders, encode: encodeHeaders },
  block: { maxPayload: MAX_BLOCK_SERIALIZED_SIZE, decode: decodeBlock, encode: encodeBlock },
  tx: { maxPayload: MAX_BLOCK_SERIALIZED_SIZE, decode: decodeTx, encode: encodeTx },
  mempool: { ...EMPTY, decode: emptyDecoder('mempool') },
  reject: {
    maxPayload: 3 + MAX_REJECT_COMMAND_LENGTH + 1 + 3 + MAX_REJECT_REASON_LENGTH + 32,
    decode: decodeReject,
    encode: encodeReject,
  },
  sendheaders: { ...EMPTY, decode: emptyDecoder('sendheaders') },
  feefilter: { maxPayload: 8, decode: decodeFeeFilter, encode: encodeFeeFilter },
  filterload: { maxPayload: 3 + MAX_BLOOM_FILTER_SIZE + 9, decode: decodeFilterLoad, encode: encodeFilterLoad },
  filteradd: { maxPayload: 3 + MAX_FILTERADD_DATA_SIZE, decode: decodeFilterAdd, encode: encodeFilterAdd },
  filterclear: { ...EMPTY, decode: emptyDecoder('filterclear') },
  merkleblock: { maxPayload: MAX_BLOCK_SERIALIZED_SIZE, decode: decodeMerkleBlock, encode: encodeMerkleBlock },
  sendcmpct: { maxPayload: 9, decode: decodeSendCmpct, encode: encodeSendCmpct },
  cmpctblock: { maxPayload: MAX_BLOCK_SERIALIZED_SIZE, decode: decodeCmpctBlock, encode: encodeCmpctBlock },
  getblocktxn: { maxPayload: MAX_BLOCK_SERIALIZED_SIZE, decode: decodeGetBlockTxn, encode: encodeGetBlockTxn },
  blocktxn: { maxPayload: MAX_BLOCK_SERIALIZED_SIZE, decode: decodeBlockTxn, encode: encodeBlockTxn },
  wtxidrelay: { ...EMPTY, decode: emptyDecoder('wtxidrelay') },
  getcfilters: { maxPayload: 37, decode: rangeRequestDecoder('getcfilters'), encode: encodeRangeRequest },
  cfilter: { maxPayload: 1 + 32 + VARINT + MAX_CFILTER_SIZE, decode: decodeCFilter, encode: encodeCFilter },
  getcfheaders: { maxPayload: 37, decode: rangeRequestDecoder('getcfheaders'), encode: encodeRangeRequest },
  cfheaders: { maxPayload: 1 + 64 + VARINT + MAX_CFHEADERS_PER_MESSAGE * 32, decode: decodeCFHeaders, encode: encodeCFHeaders },
  getcfcheckpt: { maxPayload: 33, decode: decodeGetCFCheckpt, encode: encodeGetCFCheckpt },
  cfcheckpt: { maxPayload: 1 + 32 + VARINT + MAX_CFCHECKPT_HEADERS * 32, decode: decodeCFCheckpt, encode: encodeCFCheckpt },
};

/** Lookup by wire command; a Map so that names like `constructor` cannot reach Object.prototype. */
const BY_COMMAND = new Map<string, Codec<KnownCommand>>(Object.entries(CODECS) as [string, Codec<KnownCommand>][]);

/** Every command rxbtc has a codec for. */
export const KNOWN_COMMANDS: readonly KnownCommand[] = Object.keys(CODECS) as KnownCommand[];

/** Whether rxbtc decodes this wire command (otherwise it arrives as `unknown`). */
export function isKnownCommand(command: string): command is KnownCommand {
  return BY_COMMAND.has(command);
}

/** Largest legitimate payload of a wire command, or undefined for unknown commands. */
export function maxPayloadOf(command: string): number | undefined {
  return BY_COMMAND.get(command)?.maxPayload;
}

/** The command string written on the wire for a message. */
export function wireCommand(message: Message): string {
  return message.command === 'unknown' ? message.rawCommand : message.command;
}

/**
 * Decode a payload already separated from its frame.
 * @throws ProtocolError when the payload is malformed or breaks a limit
 */
export function decodePayload(command: string, payload: Uint8Array): Message {
  const codec = BY_COMMAND.get(command);
  if (codec === undefined) return unknownMessage(command, payload);
  return codec.decode(new ByteReader(payload, command));
}

/**
 * Write a message's payload into a writer.
 * @throws RangeError when the message breaks a protocol limit
 */
export function writePayload(w: ByteWriter, message: Message): void {
  if (message.command === 'unknown') {
    w.bytes(message.payload);
    return;
  }
  (CODECS[message.command] as Codec<KnownCommand>).encode(w, message);
}

/** Serialize a message's payload (without the 24-byte frame header). */
export function encodePayload(message: Message): Uint8Array {
  return withWriter((w) => {
    writePayload(w, message);
    return w.copy();
  });
}
