import { memoryRecords } from '../storage/memory-records.js';
import type { WalletRecord } from './wallet-records.js';

/**
 * Where a watched wallet keeps what it must not forget across restarts:
 * its scripts and birthday, every event delivered, and how far every block
 * was checked (see {@link WalletRecord}). Calls are applied in the order
 * they are made (a later `load` sees them at once); the promise an append
 * or compaction returns resolves once it is durable.
 */
export interface WalletStore {
  /** Where the records are (a path, a database name), for errors. */
  readonly location: string;
  /** Every record, in order. */
  load(): WalletRecord[];
  /** Optionally do the work of appending `record` ahead of time (encoding), so that its append is one write. */
  prepare?(record: WalletRecord): void;
  /** Append records, all or none. */
  append(records: readonly WalletRecord[]): Promise<void>;
  /** Replace every record with `records` (a shorter log that says the same), all or none. */
  compact(records: readonly WalletRecord[]): Promise<void>;
  /** Release the store. */
  close(): Promise<void>;
}

/** A wallet store in memory: nothing survives the process (one process can still stop and resume a watch). */
export function memoryWalletStore(): WalletStore {
  return memoryRecords<WalletRecord>();
}
