/** An append-only list of records kept in memory: what a memory wallet or notifier store is. */
export interface MemoryRecords<R> {
  /** `memory`, for errors. */
  readonly location: string;
  /** Every record, in order (a copy). */
  load(): R[];
  /** Append records. */
  append(records: readonly R[]): Promise<void>;
  /** Replace every record with `records`. */
  compact(records: readonly R[]): Promise<void>;
  /** Nothing to release. */
  close(): Promise<void>;
}

/** Records in memory: nothing survives the process, but one made again in it goes on from them. */
export function memoryRecords<R>(): MemoryRecords<R> {
  let records: R[] = [];
  return {
    location: 'memory',
    load: () => [...records],
    append: (more) => {
      records.push(...more);
      return Promise.resolve();
    },
    compact: (all) => {
      records = [...all];
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
