import type { CliIO } from './io.js';

/** Writes one event: a JSON line (`time`, `event`, the fields) with `--json`, else the text. */
export type EventWriter = (event: string, text: string, fields?: Record<string, unknown>) => void;

/** The event writer of a command: JSON lines or text lines on `io.out`. */
export function eventWriter(io: CliIO, json: boolean): EventWriter {
  return (event, text, fields = {}) => io.out(json ? JSON.stringify({ time: new Date().toISOString(), event, ...fields }) : text);
}

/**
 * Run `stop` when the command is interrupted (Ctrl-C), at once if it already was. Returns what removes the
 * listener (a no-op once it ran).
 */
export function onInterrupt(io: CliIO, stop: () => void): () => void {
  if (io.signal?.aborted) {
    stop();
    return () => undefined;
  }
  io.signal?.addEventListener('abort', stop, { once: true });
  return () => io.signal?.removeEventListener('abort', stop);
}

/** Resolves when the command is interrupted (Ctrl-C), at once if it already was; never without a signal. */
export function untilAborted(io: CliIO): Promise<void> {
  return new Promise<void>((resolve) => void onInterrupt(io, resolve));
}
