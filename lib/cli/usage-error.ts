/** A command line that failed to parse; the message says why. */
export class UsageError extends Error {
  /** The unknown option that was given (`--datadir`), when that is what is wrong. */
  readonly unknownOption: string | undefined;

  /**
   * @param message - what is wrong
   * @param unknownOption - the option no table of the command holds, if that is the fault
   */
  constructor(message: string, unknownOption?: string) {
    super(message);
    this.name = 'UsageError';
    this.unknownOption = unknownOption;
  }
}
