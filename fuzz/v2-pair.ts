import { Subject, type Observer } from 'rxjs';
import { V2Session, type Message, type Network, type V2SessionOptions } from '../lib/index.js';

/**
 * Two BIP324 sessions over an in-memory wire, handshaken by the time this
 * returns (the writes are synchronous): the responder (with detection)
 * decodes into `responder`; `toResponder` carries bytes to it, so a caller
 * feeds it the packets `initiator.encode` makes, damaged or not. Used by the
 * v2 fuzz target and the v2 bench.
 */
export function v2SessionPair(
  network: Network,
  responder: Partial<Observer<Message>>,
  initiator: Omit<V2SessionOptions, 'network' | 'initiating'> = {},
): { initiator: V2Session; toResponder: Subject<Uint8Array> } {
  const toResponder = new Subject<Uint8Array>();
  const toInitiator = new Subject<Uint8Array>();
  const writeTo =
    (to: Subject<Uint8Array>) =>
    (bytes: Uint8Array): Promise<void> => {
      to.next(bytes);
      return Promise.resolve();
    };
  const r = new V2Session(writeTo(toInitiator), { network, initiating: false, detect: true });
  const i = new V2Session(writeTo(toResponder), { network, initiating: true, ...initiator });
  toResponder.pipe(r.decode()).subscribe(responder); // listening before the initiator speaks
  toInitiator.pipe(i.decode()).subscribe({ error: () => undefined });
  return { initiator: i, toResponder };
}
