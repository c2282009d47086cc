/** Defaults of the RPC layer, in one place so the node config, the server and `cchost rpc` agree. */

/** Interface the RPC server binds to unless configured otherwise (remote access is opt-in). */
export const DEFAULT_RPC_HOST = '127.0.0.1';

/** RPC port used when neither config, `CCHOST_RPCPORT` nor `--rpcport` says otherwise. */
export const DEFAULT_RPC_PORT = 7780;

/** Largest accepted HTTP body, in bytes (a 1 MB raw transaction is 2 MB of hex). */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/** Largest accepted JSON-RPC batch. */
export const DEFAULT_MAX_BATCH = 1000;

/** Name of the cookie file written in the data directory while the server runs. */
export const COOKIE_FILE = '.cookie';

/** User name of cookie credentials, as bitcoind. */
export const COOKIE_USER = '__cookie__';

/** Satoshis per coin. */
export const COIN = 100_000_000n;

/** Upper bound of `amount`/`sats` params unless the table is given the chain's own (Komodo's MAX_MONEY). */
export const DEFAULT_MAX_MONEY = 200_000_000n * COIN;
