/** A one-line progress bar: redrawn in place on a terminal, printed once when done otherwise. */
export class ProgressBar {
  private readonly label: string;
  private readonly total: number;
  private readonly out: NodeJS.WriteStream;
  private last = -1;

  /**
   * @param label - shown before the bar
   * @param total - value at 100 %
   * @param out - where to draw @default process.stdout
   */
  constructor(label: string, total: number, out: NodeJS.WriteStream = process.stdout) {
    this.label = label;
    this.total = Math.max(1, total);
    this.out = out;
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
