import { map } from 'rxjs';
import { encodeMessage } from '../wire/frame.js';
/**
 * Frame each message for `network`: the inverse of `decodeMessages`.
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { encodeMessages, networks } from 'rxbtc';
 * of({ command: 'verack' } as const).pipe(encodeMessages(networks.regtest)).subscribe((b) => socket.write(b));
 * ```
 */
export function encodeMessages(network) {
    return map((message) => encodeMessage(network, message));
}
