import { from } from 'rxjs';
import { MessageFramer, decodeMessages, encodeMessage, type Message } from '../../lib/index.js';
import type { Codec } from './codec.js';
import { NETWORK, WORKLOADS } from './workloads.js';

/** rxbtc through its public `decodeMessages` operator and `encodeMessage`. */
export const rxbtc: Codec = {
  name: 'rxbtc',
  decodes: WORKLOADS,
  encodes: WORKLOADS,
  decoder: (stream) => () => {
    let n = 0;
    from(stream.chunks)
      .pipe(decodeMessages(NETWORK))
      .subscribe({
        next: () => {
          n++;
        },
      });
    return n;
  },
  encoder: (stream) => {
    const messages: Message[] = [];
    const framer = new MessageFramer(NETWORK);
    for (const c of stream.chunks) framer.push(c, (m) => messages.push(m));
    return () => {
      let bytes = 0;
      for (const m of messages) bytes += encodeMessage(NETWORK, m).length;
      return bytes;
    };
  },
};
