import { map, type OperatorFunction } from 'rxjs';
import { encodeMessage } from '../wire/frame.js';
import type { Message } from '../wire/message.js';
import type { Network } from '../wire/networks.js';

/**
 * Frame each message for `network`: the inverse of `decodeMessages`.
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { encodeMessages, networks } from 'rxbtc';
 * of({ command: 'verack' } as const).pipe(encodeMessages(networks.regtest)).subscribe((b) => socket.write(b));
 * ```
 */
export function encodeMessages(network: Network): OperatorFunction<Message, Uint8Array> {
  return map((message) => encodeMessage(network, message));
}
