/**
 * The README's outbound-peer example, runnable: connect, print the
 * handshake, log inventory announcements, ask for headers once, disconnect
 * when they arrive, and wait for the disconnect (btcd's peer example).
 *
 *   npm run example -- 127.0.0.1 18444
 */
import { connectTcp, createPeer, hashFromHex, hashToHex, networks } from '../lib/index.js';

/** Run the example against `host:port` on regtest; resolves with the disconnect reason. */
export async function outboundPeer(host: string, port: number, log: (line: string) => void = console.log): Promise<string> {
  const network = networks.regtest;
  const peer = createPeer(await connectTcp({ host, port }), { network });
  // Subscribe first: a hot stream does not replay what arrived before you listened.
  peer.on('inv').subscribe((inv) => log(`inv ${inv.items.map((i) => hashToHex(i.hash)).join(' ')}`));
  peer.on('headers').subscribe(({ headers }) => {
    log(`received ${headers.length} headers`);
    peer.disconnect('got the headers');
  });
  const { remote, protocolVersion } = await peer.handshake;
  log(`connected to ${remote.userAgent} (version ${protocolVersion}, height ${remote.startHeight})`);
  await peer.pushGetHeaders([hashFromHex(network.genesisHash)], new Uint8Array(32));
  const { reason } = await peer.closed;
  log(`disconnected: ${reason}`);
  return reason;
}

if (process.argv[1]?.endsWith('outbound-peer.js')) {
  const [host = '127.0.0.1', port = '18444'] = process.argv.slice(2);
  outboundPeer(host, Number(port)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
