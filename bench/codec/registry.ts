import type { Codec } from './codec.js';

/** Names of the implementations, in table order. */
export const CODECS = ['rxbtc', 'bcoin-shipped', 'bcoin-full', 'bitcoinjs', 'bitcore'] as const;
/** One of {@link CODECS}. */
export type CodecName = (typeof CODECS)[number];

/** Load one implementation (imports are lazy, so a child process loads only its own). */
export async function loadCodec(name: CodecName): Promise<Codec> {
  switch (name) {
    case 'rxbtc':
      return (await import('./rxbtc.js')).rxbtc;
    case 'bcoin-shipped':
      return (await import('./bcoin.js')).bcoin(true);
    case 'bcoin-full':
      return (await import('./bcoin.js')).bcoin(false);
    case 'bitcoinjs':
      return (await import('./bitcoinjs.js')).bitcoinjs;
    case 'bitcore':
      return (await import('./bitcore.js')).bitcore;
  }
}
