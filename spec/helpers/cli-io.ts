import type { CliIO } from '../../lib/cli/main.js';

/** Collects output; `until` resolves once a line matches. */
export function capture(): CliIO & { lines: string[]; errors: string[]; until(re: RegExp): Promise<void>; stop(): void } {
  const controller = new AbortController();
  const lines: string[] = [];
  const errors: string[] = [];
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of waiters.splice(0)) {
      if (lines.some((l) => w.re.test(l))) w.resolve();
      else waiters.push(w);
    }
  };
  return {
    lines,
    errors,
    signal: controller.signal,
    out: (l) => {
      lines.push(l);
      check();
    },
    err: (l) => errors.push(l),
    until: (re) =>
      new Promise<void>((resolve) => {
        waiters.push({ re, resolve });
        check();
      }),
    stop: () => controller.abort(),
  };
}
