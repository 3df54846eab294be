import { ProtocolError, ProtocolErrorCode } from '../wire/errors.js';
import { decodePayload, maxPayloadOf, wireCommand, writePayload, type Message } from '../wire/message.js';
import { withWriter } from '../wire/writer.js';
import { V2Error, V2ErrorCode } from './errors.js';

/** BIP324's one-byte message type ids (index = id; 0 means a 12-byte command follows). */
export const SHORT_MESSAGE_IDS: readonly string[] = [
  '',
  'addr',
  'block',
  'blocktxn',
  'cmpctblock',
  'feefilter',
  'filteradd',
  'filterclear',
  'filterload',
  'getblocks',
  'getblocktxn',
  'getdata',
  'getheaders',
  'headers',
  'inv',
  'mempool',
  'merkleblock',
  'notfound',
  'ping',
  'pong',
  'sendcmpct',
  'tx',
  'getcfilters',
  'cfilter',
  'getcfheaders',
  'cfheaders',
  'getcfcheckpt',
  'cfcheckpt',
  'addrv2',
];

const ID_OF = new Map(SHORT_MESSAGE_IDS.map((c, i) => [c, i]));
ID_OF.delete('');
/** Length of a long message type: a zero byte is followed by 12 ASCII bytes. */
const COMMAND_SIZE = 12;

/**
 * A message as v2 packet contents: its short id, or 0 and the 12-byte
 * command, then the payload. An `unknown` message whose `rawCommand` is
 * `#N` goes out with short id N.
 * @param withHeader - start with a zero byte for the packet header (one copy fewer for the packet cipher)
 */
export function encodeContents(message: Message, withHeader = false): Uint8Array {
  const command = wireCommand(message);
  const numbered = /^#(\d{1,3})$/.exec(command);
  const id = ID_OF.get(command) ?? (numbered ? Number(numbered[1]) : undefined);
  const short = id !== undefined && id > 0 && id < 256;
  if (!short && (command.length > COMMAND_SIZE || !/^[\x20-\x7e]*$/.test(command))) {
    throw new RangeError(`command ${JSON.stringify(command)} cannot be sent`);
  }
  return withWriter((w) => {
    if (withHeader) w.u8(0);
    if (short) w.u8(id);
    else {
      w.u8(0);
      for (let i = 0; i < COMMAND_SIZE; i++) w.u8(i < command.length ? command.charCodeAt(i) : 0);
    }
    writePayload(w, message);
    return w.copy();
  });
}

/**
 * Decode v2 packet contents into a message. Unknown short ids arrive as
 * `unknown` with `rawCommand` `#N`; unknown long commands as for v1.
 * @throws V2Error `bad-contents`; ProtocolError from the payload's decoder
 */
export function decodeContents(contents: Uint8Array): Message {
  if (contents.length === 0) throw new V2Error(V2ErrorCode.BadContents, 'empty contents');
  const id = contents[0]!;
  let command: string;
  let payload: Uint8Array;
  if (id !== 0) {
    command = SHORT_MESSAGE_IDS[id] ?? `#${id}`;
    payload = contents.subarray(1);
  } else {
    if (contents.length < 1 + COMMAND_SIZE) throw new V2Error(V2ErrorCode.BadContents, 'a long message type is 12 bytes');
    let end = 1;
    while (end < 1 + COMMAND_SIZE && contents[end] !== 0) end++;
    for (let i = end; i < 1 + COMMAND_SIZE; i++) {
      if (contents[i] !== 0) throw new V2Error(V2ErrorCode.BadContents, 'message type padded with non-zero bytes');
    }
    command = String.fromCharCode(...contents.subarray(1, end));
    if (!/^[\x20-\x7e]+$/.test(command)) throw new V2Error(V2ErrorCode.BadContents, 'message type is not printable ASCII');
    payload = contents.subarray(1 + COMMAND_SIZE);
  }
  const max = maxPayloadOf(command);
  if (max !== undefined && payload.length > max) {
    throw new ProtocolError(ProtocolErrorCode.LimitExceeded, `${payload.length}-byte ${command} exceeds ${max}`, command);
  }
  return decodePayload(command, payload);
}
