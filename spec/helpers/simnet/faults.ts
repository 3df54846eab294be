/**
 * What a simulated peer does wrong; every field is optional and a peer's
 * faults can be replaced while it runs (`SimPeer.setFaults`). Byte counts
 * and times are per connection, from when it was accepted.
 */
export interface SimFaults {
  /** Deliver this many bytes to the client, then nothing more; the socket stays open (a stalled node). */
  stallAfterBytes?: number;
  /** Close the connection once this many bytes reached the client (mid-message when it falls inside one). */
  closeAfterBytes?: number;
  /** Stop forwarding both ways this many ms after the connection opened; the socket stays open. */
  silentAfterMs?: number;
  /** Slow start: the bandwidth ramps up over the first this many ms (connections accepted after it is set). */
  slowStartMs?: number;
  /** Close each connection this many ms after it opened; the next connection works again. */
  dropEveryMs?: number;
  /** The node is down: open connections are closed and new ones refused (ECONNREFUSED) until this is false again. */
  refuse?: boolean;
}

/**
 * Check a fault set.
 * @throws RangeError for a count or time that is negative or not finite, or a `dropEveryMs` of 0
 */
export function checkFaults(faults: SimFaults): SimFaults {
  const { stallAfterBytes, closeAfterBytes, silentAfterMs, slowStartMs, dropEveryMs } = faults;
  const counts = { stallAfterBytes, closeAfterBytes, silentAfterMs, slowStartMs, dropEveryMs };
  for (const [name, v] of Object.entries(counts)) {
    if (v !== undefined && (!(v >= 0) || !Number.isFinite(v))) throw new RangeError(`${name} ${v} is not a number ≥ 0`);
  }
  if (dropEveryMs === 0) throw new RangeError('dropEveryMs must be more than 0');
  return { ...faults };
}
