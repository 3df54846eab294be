/**
 * A peer of your own from rxbtc's operators, without createPeer: decode,
 * handshake, keep-alive, stall detection, then whatever you like — here,
 * collect block announcements until `count` arrive.
 */
import { Subject, filter, firstValueFrom, take, toArray } from 'rxjs';
import {
  buildVersionMessage,
  connectTcp,
  decodeMessages,
  detectStalls,
  encodeMessage,
  handshake,
  keepAlive,
  networks,
  resolvePeerConfig,
  type InvMessage,
  type Message,
} from '../lib/index.js';

/** Connect to a regtest node at `host:port` and resolve with its next `count` block `inv` announcements. */
export async function blockAnnouncements(host: string, port: number, count: number): Promise<InvMessage[]> {
  const network = networks.regtest;
  const conn = await connectTcp({ host, port });
  const sent$ = new Subject<Message>();
  const send = async (m: Message): Promise<void> => {
    await conn.write(encodeMessage(network, m));
    sent$.next(m);
  };
  const localVersion = () => buildVersionMessage(resolvePeerConfig({ network }), conn.remoteAddress);

  const blocks$ = conn.bytes$.pipe(
    decodeMessages(network),
    handshake({ inbound: false, localVersion, send }),
    keepAlive({ send }),
    detectStalls({ sent$ }),
    filter((m): m is InvMessage => m.command === 'inv' && m.items.some((i) => i.type === 2)),
    take(count),
    toArray(),
  );
  try {
    return await firstValueFrom(blocks$);
  } finally {
    conn.close();
  }
}
