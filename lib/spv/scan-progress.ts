/**
 * The height up to which a watch has checked every block of the best chain,
 * told to the caller's `onScanned` whenever it moves: up as blocks are
 * checked, down to the fork after a reorganisation.
 */
export class ScanProgress {
  private height: number;
  private readonly onScanned: ((height: number) => void) | undefined;

  /**
   * @param height - checked already (the block before the first one scanned)
   * @param onScanned - told every change
   */
  constructor(height: number, onScanned: ((height: number) => void) | undefined) {
    this.height = height;
    this.onScanned = onScanned;
  }

  /** Every block up to `height` is checked; a height not above the last one told changes nothing. */
  advance(height: number): void {
    if (height <= this.height) return;
    this.height = height;
    this.onScanned?.(height);
  }

  /** A reorganisation: the blocks above `forkHeight` are no longer the ones checked. */
  rewind(forkHeight: number): void {
    if (forkHeight >= this.height) return;
    this.height = forkHeight;
    this.onScanned?.(forkHeight);
  }
}
