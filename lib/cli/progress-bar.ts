/** Where a {@link ProgressBar} draws: a terminal or a pipe (Node's `process.stdout`/`stderr`). */
export interface ProgressOutput {
  /** Whether it is a terminal (the bar is then redrawn in place). */
  readonly isTTY?: boolean;
  /** Write text. */
  write(text: string): unknown;
}

/** A one-line progress bar: redrawn in place on a terminal, printed once when done otherwise. */
export class ProgressBar {
  private readonly label: string;
  private total: number;
  private readonly out: ProgressOutput;
  private last = -1;

  /**
   * @param label - shown before the bar
   * @param total - value at 100 %
   * @param out - where to draw @default process.stdout
   */
  constructor(label: string, total: number, out: ProgressOutput = process.stdout) {
    this.label = label;
    this.total = Math.max(1, total);
    this.out = out;
  }

  /** Change the value at 100 % (a peer may announce more blocks while we sync). */
  setTotal(total: number): void {
    this.total = Math.max(1, total);
  }

  /** Draw the bar at `value` (clamped to the total). */
  update(value: number): void {
    const done = Math.min(value, this.total);
    const width = 30;
    const filled = Math.round((done / this.total) * width);
    if (!this.out.isTTY) {
      if (done === this.total && this.last !== done) this.out.write(`${this.line(done, filled, width)}\n`);
      this.last = done;
      return;
    }
    if (filled === this.last && done !== this.total) return;
    this.last = filled;
    this.out.write(`\r${this.line(done, filled, width)}${done === this.total ? '\n' : ''}`);
  }

  private line(done: number, filled: number, width: number): string {
    return `  ${this.label.padEnd(8)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${this.total}`;
  }
}
