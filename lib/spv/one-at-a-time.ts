/**
 * `run` made to go one call at a time: a call starts once the one before it
 * settled (fulfilled or not), so two never interleave their writes even when
 * the caller stopped waiting for the first.
 */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    const next = last.catch(() => undefined).then(run);
    last = next;
    return next;
  };
}
