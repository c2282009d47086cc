/**
 * Amounts at the RPC edge. Inside the node every amount is `bigint` satoshis; bitcoind-style fields
 * (`value`, `amount`, `fee`, `getbalance`) are JSON numbers of coins, made from the exact decimal
 * string of the satoshi amount (never by float arithmetic), so 1250000000 sat prints as 12.5.
 */
import { formatCoins } from '../../chain/spec/amount.ts';

/**
 * Coins as a JSON number from satoshis: `Number` of the exact decimal string. Every amount up to
 * MAX_MONEY round-trips (doubles near 2.1e15 sat still resolve 1e-8 coin steps).
 * Example: `coins(1_250_000_000n)` is `12.5`; `coins(-1n)` is `-1e-8`.
 */
export function coins(sat: bigint): number {
  return sat < 0n ? -Number(formatCoins(-sat)) : Number(formatCoins(sat));
}

/** Satoshis as a JSON integer (exact below 2^53; every valid amount is). Example: `satsNumber(5n)` is `5`. */
export function satsNumber(sat: bigint): number {
  return Number(sat);
}
