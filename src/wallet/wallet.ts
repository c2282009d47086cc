/**
 * The wallet as the RPC layer uses it: a keystore, a coin source and the chain parameters behind the
 * bitcoind-style calls (getnewaddress, importprivkey, getbalance, listunspent, sendtoaddress). Amounts
 * are bigint satoshis here; decimal coins exist only at the RPC edge. `sendToAddress` builds and signs;
 * the caller submits the transaction to the mempool and answers with its txid.
 */
import { decodeAddress } from '../crypto/address.ts';
import { toHex } from '../util/bytes.ts';
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { buildTransaction } from './build.ts';
import type { BuildRequest, BuiltTransaction, WalletChainParams } from './request.ts';
import { balancesOf, listWalletCoins } from './coins.ts';
import type { CoinSource, WalletBalances, WalletCoin } from './coins.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';
import type { ImportKeyResult, Keystore } from './keystore.ts';
import type { WalletKey } from './keys.ts';

/** The parts of a wallet. */
export interface WalletOptions {
  readonly keystore: Keystore;
  readonly source: CoinSource;
  readonly chain: WalletChainParams;
}

/** Options of `listUnspent` (bitcoind's listunspent). */
export interface ListUnspentOptions {
  /** Fewest confirmations (default 1, as bitcoind). */
  readonly minConf?: number;
  /** Most confirmations (default unlimited). */
  readonly maxConf?: number;
  /** Only coins of these wallet addresses. */
  readonly addresses?: readonly string[];
}

/** Options of `sendToAddress`. */
export interface SendOptions {
  /** The recipient pays the fee out of `amount` (bitcoind's subtractfeefromamount). */
  readonly subtractFeeFromAmount?: boolean;
  /** Also carry this data in an OP_RETURN output (after the payment). */
  readonly data?: Uint8Array;
  /** Fee rate (satoshis per 1000 bytes; at least the chain's minimum relay fee rate). */
  readonly feePerKb?: bigint;
  /** Fund only from this wallet key; change returns to it. */
  readonly from?: string;
}

/** A wallet. Example: `const w = new Wallet({ keystore, source, chain: spec }); w.getNewAddress('alice')`. */
export class Wallet {
  readonly keystore: Keystore;
  readonly source: CoinSource;
  readonly chain: WalletChainParams;

  constructor(o: WalletOptions) {
    this.keystore = o.keystore;
    this.source = o.source;
    this.chain = o.chain;
  }

  /** getnewaddress: a new P2PKH address from the next derived key (stored before it is returned). */
  getNewAddress(label = ''): string {
    return this.keystore.getNewAddress(label).address;
  }

  /** importprivkey: adds a WIF (this chain) or hex private key. Throws `WALLET_BAD_KEY`. */
  importKey(key: string, label?: string): ImportKeyResult {
    return this.keystore.importKey(key, label);
  }

  /** Every key of the wallet. */
  keys(): readonly WalletKey[] {
    return this.keystore.keys();
  }

  /** Every wallet coin with its status (spendable, immature, spent in the mempool). */
  coins(): { tipHeight: number; coins: readonly WalletCoin[] } {
    return listWalletCoins(this.keystore, this.source, { coinbaseMaturity: this.chain.coinbaseMaturity });
  }

  /**
   * listunspent: spendable coins with `minConf..maxConf` confirmations, oldest first. Immature rewards
   * and coins already spent by mempool transactions are not listed. `addresses` must be addresses of
   * this chain (`WALLET_BAD_ADDRESS` otherwise).
   */
  listUnspent(o: ListUnspentOptions = {}): Result<WalletCoin[], WalletError> {
    const minConf = o.minConf ?? 1;
    const maxConf = o.maxConf ?? Number.MAX_SAFE_INTEGER;
    let only: Set<string> | undefined;
    if (o.addresses !== undefined) {
      only = new Set();
      for (const a of o.addresses) {
        const d = decodeAddress(a, this.chain.prefixes);
        if (!d.ok) return err(walletError(WalletErrorCode.BAD_ADDRESS, d.error.message, { address: a, reason: d.error['reason'] }));
        only.add(toHex(d.value.hash));
      }
    }
    const { coins } = this.coins();
    return ok(
      coins.filter(
        (c) =>
          c.status === 'spendable' &&
          c.confirmations >= minConf &&
          c.confirmations <= maxConf &&
          (only === undefined || only.has(toHex(c.owner.pubkeyHash))),
      ),
    );
  }

  /** getbalance: satoshis spendable with at least `minConf` confirmations (default 0: unconfirmed change counts). */
  getBalance(minConf = 0): bigint {
    let total = 0n;
    for (const c of this.coins().coins) if (c.status === 'spendable' && c.confirmations >= minConf) total += c.coin.value;
    return total;
  }

  /** getbalances: totals by status. */
  getBalances(): WalletBalances {
    return balancesOf(this.coins().coins);
  }

  /** Builds and signs any transaction (see `BuildRequest`). */
  createTransaction(req: BuildRequest): Result<BuiltTransaction, WalletError> {
    return buildTransaction({ keystore: this.keystore, source: this.source, chain: this.chain }, req);
  }

  /**
   * sendtoaddress without the broadcast: a signed transaction paying `amount` satoshis to `address`.
   * Example: `const r = w.sendToAddress(addr, 150_000_000n); if (r.ok) mempool.accept(r.value.tx, ctx)`.
   */
  sendToAddress(address: string, amount: bigint, o: SendOptions = {}): Result<BuiltTransaction, WalletError> {
    return this.createTransaction({
      outputs: [{ address, amount }, ...(o.data !== undefined ? [{ data: o.data }] : [])],
      ...(o.subtractFeeFromAmount === true ? { subtractFeeFrom: [0] } : {}),
      ...(o.feePerKb !== undefined ? { feePerKb: o.feePerKb } : {}),
      ...(o.from !== undefined ? { from: o.from } : {}),
    });
  }
}
