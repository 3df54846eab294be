import { Observable, type OperatorFunction } from 'rxjs';
import { ProtocolError, ProtocolErrorCode } from '../wire/errors.js';
import { MessageFramer, type FramerOptions } from '../wire/framer.js';
import type { Message } from '../wire/message.js';
import type { Network } from '../wire/networks.js';

/** Options for {@link decodeMessages}. */
export type DecodeOptions = FramerOptions;

/**
 * Turn a stream of byte chunks, cut at any boundary, into decoded messages.
 *
 * The first invalid frame ends the stream with a {@link ProtocolError}
 * (its `code` says why, its `command` which message), so a peer can send a
 * reject and disconnect. A source that completes in the middle of a frame
 * ends it with a `truncated` error. Frames inside one chunk are decoded
 * from views of that chunk; see {@link MessageFramer}.
 *
 * @param network - network whose magic every frame must carry
 * @param options - payload limit and checksum verification
 * @returns an operator from `Uint8Array` chunks to {@link Message}s
 * @throws RangeError at creation when the options are out of range
 * @example
 * ```ts
 * import { decodeMessages, networks } from 'rxbtc';
 * connection.bytes$.pipe(decodeMessages(networks.mainnet)).subscribe({
 *   next: (m) => console.log(m.command),
 *   error: (e) => console.error(e.code),
 * });
 * ```
 */
export function decodeMessages(network: Network, options: DecodeOptions = {}): OperatorFunction<Uint8Array, Message> {
  new MessageFramer(network, options); // validate options eagerly
  return (source) =>
    new Observable<Message>((subscriber) => {
      const framer = new MessageFramer(network, options);
      const emit = (m: Message): void => {
        subscriber.next(m);
      };
      return source.subscribe({
        next(chunk) {
          try {
            framer.push(chunk, emit);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          if (framer.buffered > 0) {
            subscriber.error(
              new ProtocolError(
                ProtocolErrorCode.Truncated,
                `stream ended with ${framer.buffered} bytes of an unfinished frame`,
                framer.pendingCommand,
              ),
            );
          } else {
            subscriber.complete();
          }
        },
      });
    });
}
