/** What a watcher needs from the notifier that runs it. */
export interface WatcherContext<E> {
  /** The best chain's height now. */
  height(): number;
  /** Deliver an event (the watcher has applied it to its state already). */
  emit(e: E): void;
  /** It has nothing more to say: complete its Observable. */
  finish(): void;
}
