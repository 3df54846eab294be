/** `--network NAME`, taken by every command that talks to peers or derives addresses. */
export const NETWORK_OPTION = {
  network: { type: 'string', default: 'mainnet', value: 'NAME', help: 'mainnet (default), testnet3, testnet4, signet or regtest' },
} as const;

/** `--json`: JSON lines on stdout. */
export const JSON_OPTION = {
  json: { type: 'boolean', default: false, help: 'JSON lines instead of text' },
} as const;

/** `--peers N` and `--dns-seed`: the pool of `headers` and `watch`. */
export const POOL_OPTIONS = {
  peers: {
    type: 'string',
    value: 'N',
    help: 'peers to keep connected through the pool (default: one per HOST up to 8,\n8 with --dns-seed)',
  },
  'dns-seed': { type: 'boolean', default: false, help: "also find peers through the network's DNS seeds and addr messages" },
} as const;

/** `--datadir DIR`: where `headers`, `watch` and `address` keep or read their files. */
export const DATADIR_OPTION = {
  datadir: {
    type: 'string',
    value: 'DIR',
    help: 'where the verified chain (and a watch: filter headers, wallet) is kept\n(default: memory only)',
  },
} as const;

/** `--checkpoint HEIGHT:HASH`: a new chain starts at a trusted block. */
export const CHECKPOINT_OPTION = {
  checkpoint: {
    type: 'string',
    value: 'H:HASH',
    help: 'start a new chain at block HASH, height H (trusted; its header is fetched\nfrom the peers and must hash to it)',
  },
} as const;

/** What `headers`, `watch`, `follow` and `send` say about their pool of peers. */
export const POOL_ABOUT = `The peers are kept through a pool: a peer that goes away is redialled (1 s
later, doubling to 10 s) for as long as the command runs, and with none left
it waits ("disconnected", "waiting", then "connected" lines), never exits. It
exits 1 only when no named peer could ever serve it (each banned, on another
network, or on a chain that fails validation). Ctrl-C or SIGTERM ends it with
status 0.`;
