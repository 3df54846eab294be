import type { VersionMessage } from '../wire/messages/version.js';
import { ipFromString, type NetAddress } from '../wire/netaddress.js';
import type { ResolvedPeerConfig } from './config.js';
import { randomNonce } from './nonce.js';
import { RXBTC_USER_AGENT, formatUserAgent } from './user-agent.js';

/** The remote's `host:port` as a NetAddress; non-IP hosts become the unspecified address. */
export function netAddressOf(address: string, services = 0n): NetAddress {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  let ip: Uint8Array = new Uint8Array(16);
  if (m) {
    try {
      ip = ipFromString(m[1]!);
    } catch {
      // a hostname (proxy) or a memory pair name
    }
  }
  return { services, ip, port: m ? Number(m[2]) : 0 };
}

/** Our `version` message, with a fresh nonce (btcd localVersionMsg). */
export function buildVersionMessage(config: ResolvedPeerConfig, remoteAddress: string): VersionMessage {
  const agents = config.userAgent ? [RXBTC_USER_AGENT, config.userAgent] : [RXBTC_USER_AGENT];
  return {
    command: 'version',
    version: config.protocolVersion,
    services: config.services,
    timestamp: BigInt(Math.floor(config.scheduler.now() / 1000)),
    receiver: netAddressOf(remoteAddress),
    sender: { services: config.services, ip: new Uint8Array(16), port: 0 },
    nonce: randomNonce(),
    userAgent: formatUserAgent(...agents),
    startHeight: config.newestBlock().height,
    relay: !config.disableRelayTx,
  };
}
