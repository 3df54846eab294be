/** A message whose command rxbtc does not know; its payload is kept raw. */
export interface UnknownMessage {
  /** Always `unknown`. */
  command: 'unknown';
  /** The command as it appeared on the wire. */
  rawCommand: string;
  /** The raw payload. */
  payload: Uint8Array;
}
