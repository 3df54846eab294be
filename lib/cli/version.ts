/**
 * rxbtc's version, as `rxbtc --version` prints it: a constant of the CLI's
 * own, so that printing it loads nothing else (a spec checks it against
 * package.json and the user agent).
 */
export const CLI_VERSION = '0.1.0';
