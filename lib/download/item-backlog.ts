/** Items past the window, oldest first: a queue that compacts itself as it is read, so a long download holds what is left. */
export class ItemBacklog<I> {
  private items: I[] = [];
  private head = 0;

  /** Items waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Add an item after every one before it. */
  push(item: I): void {
    this.items.push(item);
  }

  /** Take the oldest item. */
  shift(): I | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
