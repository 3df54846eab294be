import { fromHex, toHex } from '../wire/hex.js';
import type { Descriptor, Keychain } from './descriptor.js';

/** Where a derived script comes from: its descriptor (with checksum), keychain and index. */
export interface ScriptOrigin {
  /** The descriptor, as `Descriptor.toString()` prints it (with its checksum). */
  descriptor: string;
  /** The keychain (`receive`, `change`, …). */
  keychain: Keychain;
  /** The derivation index. */
  index: number;
}

/** How far one keychain is derived and used, as a wallet store keeps it. */
export interface KeychainState {
  /** The descriptor, with its checksum. */
  descriptor: string;
  /** Which keychain of it. */
  keychain: Keychain;
  /** The highest index paid so far, −1 for none. */
  used: number;
  /** The scripts derived, hex, index 0 first: restoring them needs no derivation. */
  scripts: string[];
}

/** Addresses derived beyond the last one used, as Bitcoin Core and BDK default to. */
export const DEFAULT_GAP_LIMIT = 20;

/** A script's bytes as a map key (one UTF-16 unit per byte). */
export function scriptKey(script: Uint8Array): string {
  let s = '';
  for (const b of script) s += String.fromCharCode(b);
  return s;
}

interface Line {
  readonly descriptor: Descriptor;
  readonly text: string;
  readonly keychain: Keychain;
  used: number;
  readonly scripts: Uint8Array[];
}

/**
 * The keychains of a set of descriptors with a gap limit: each ranged
 * keychain derived up to `gapLimit` indices past the last one used (a
 * descriptor that is not a range gives its one script). A payment to
 * index i derives up to i + gapLimit; the caller watches the new scripts
 * and checks the blocks already scanned for them again.
 */
export class Keychains {
  /** Indices derived beyond the last one used. */
  readonly gapLimit: number;
  private readonly lines: Line[] = [];
  private readonly origins = new Map<string, ScriptOrigin>();

  /**
   * @param descriptors - the wallet's descriptors
   * @param gapLimit - indices derived past the last used (≥ 1)
   * @param stored - state a wallet store kept: its scripts are taken as they are, not derived again
   */
  constructor(descriptors: readonly Descriptor[], gapLimit = DEFAULT_GAP_LIMIT, stored: readonly KeychainState[] = []) {
    if (!Number.isSafeInteger(gapLimit) || gapLimit < 1) throw new RangeError(`gap limit ${gapLimit} must be a whole number ≥ 1`);
    this.gapLimit = gapLimit;
    for (const descriptor of descriptors) {
      const text = descriptor.toString();
      for (const keychain of descriptor.keychains) {
        const kept = stored.find((s) => s.descriptor === text && s.keychain === keychain);
        const line: Line = { descriptor, text, keychain, used: kept?.used ?? -1, scripts: [] };
        this.lines.push(line);
        for (const hex of kept?.scripts ?? []) this.append(line, fromHex(hex));
        this.fill(line);
      }
    }
  }

  /** Every script derived. */
  get scripts(): Uint8Array[] {
    return this.lines.flatMap((l) => l.scripts);
  }

  /** Where a script (given as {@link scriptKey}) comes from, when it is one of these keychains'. */
  origin(key: string): ScriptOrigin | undefined {
    return this.origins.get(key);
  }

  /**
   * A payment to `origin` was seen: mark its index used and derive up to
   * `index + gapLimit`.
   * @returns the scripts newly derived
   */
  use(origin: ScriptOrigin): Uint8Array[] {
    const line = this.lines.find((l) => l.text === origin.descriptor && l.keychain === origin.keychain);
    if (!line || origin.index <= line.used) return [];
    line.used = origin.index;
    return this.fill(line);
  }

  /** The first index after the last one used (the next address to hand out). */
  nextIndex(descriptor: Descriptor, keychain: Keychain): number {
    const text = descriptor.toString();
    const line = this.lines.find((l) => l.text === text && l.keychain === keychain);
    if (!line) throw new RangeError(`no ${keychain} keychain for ${text}`);
    return line.descriptor.isRange ? line.used + 1 : 0;
  }

  /**
   * The scripts each ranged keychain would derive next: the `count`
   * indices after those derived now (not watched, not recorded), each as a
   * function that derives it when called (a scan spreads the work over
   * several turns). A scan matches them in every filter ahead of time, so a
   * payment it finds to one of them later needs only that block, not a
   * second pass over the filters.
   */
  aheadOf(count: number): (() => Uint8Array)[] {
    const out: (() => Uint8Array)[] = [];
    for (const line of this.lines) {
      if (!line.descriptor.isRange) continue;
      const start = line.scripts.length;
      for (let i = start; i < start + count; i++) out.push(() => line.descriptor.scriptAt(line.keychain, i));
    }
    return out;
  }

  /** The state to store. */
  state(): KeychainState[] {
    return this.lines.map((l) => ({ descriptor: l.text, keychain: l.keychain, used: l.used, scripts: l.scripts.map(toHex) }));
  }

  private fill(line: Line): Uint8Array[] {
    const want = line.descriptor.isRange ? line.used + 1 + this.gapLimit : 1;
    const fresh: Uint8Array[] = [];
    while (line.scripts.length < want) {
      const script = line.descriptor.scriptAt(line.keychain, line.scripts.length);
      this.append(line, script);
      fresh.push(script);
    }
    return fresh;
  }

  private append(line: Line, script: Uint8Array): void {
    const index = line.scripts.length;
    line.scripts.push(script);
    const key = scriptKey(script);
    if (!this.origins.has(key)) this.origins.set(key, { descriptor: line.text, keychain: line.keychain, index });
  }
}
