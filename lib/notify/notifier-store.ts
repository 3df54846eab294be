import { memoryRecords } from '../storage/memory-records.js';
import type { NotifierRecord } from './notifier-records.js';

/**
 * Where a notifier keeps its registrations across restarts: each one asked,
 * every event delivered, and how far each was checked (see
 * {@link NotifierRecord}). Calls apply in the order they are made; the
 * promise an append or compaction returns resolves once it is durable.
 */
export interface NotifierStore {
  /** Where the records are (a path), for errors. */
  readonly location: string;
  /** Every record, in order. */
  load(): NotifierRecord[];
  /** Append records, all or none. */
  append(records: readonly NotifierRecord[]): Promise<void>;
  /** Replace every record with `records` (a shorter log that says the same), all or none. */
  compact(records: readonly NotifierRecord[]): Promise<void>;
  /** Release the store. */
  close(): Promise<void>;
}

/** A notifier store in memory: nothing survives the process (a notifier made again in it goes on). */
export function memoryNotifierStore(): NotifierStore {
  return memoryRecords<NotifierRecord>();
}
