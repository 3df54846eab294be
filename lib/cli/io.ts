/** Where the CLI writes, and what stops it. */
export interface CliIO {
  /** One line of normal output. */
  out(line: string): void;
  /** One line of error output. */
  err(line: string): void;
  /** Aborting disconnects every peer and ends the command (Ctrl-C). */
  signal?: AbortSignal;
}
