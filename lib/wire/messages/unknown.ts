/** A message whose command rxbtc does not know; its payload is kept raw. */
export interface UnknownMessage {
  /** Always `unknown`. */
  command: 'unknown';
  /** The command as it appeared on the wire. */
  rawCommand: string;
  /** The raw payload. */
  payload: Uint8Array;
}

/** An unknown message; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class Unknown implements UnknownMessage {
  readonly command = 'unknown';
  rawCommand: string;
  payload: Uint8Array;
  constructor(rawCommand: string, payload: Uint8Array) {
    this.rawCommand = rawCommand;
    this.payload = payload;
  }
}

/** Wrap a payload whose command rxbtc has no codec for. */
export function unknownMessage(rawCommand: string, payload: Uint8Array): UnknownMessage {
  return new Unknown(rawCommand, payload);
}
