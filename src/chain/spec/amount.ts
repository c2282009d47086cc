/**
 * Decimal coin strings ↔ bigint satoshis (1 coin = 10^8 satoshis). The spec file writes amounts as
 * strings such as "1000" or "0.00001"; JSON numbers are refused because they are floating point.
 */
import { COIN } from '../params.ts';

const COIN_RE = /^(0|[1-9][0-9]{0,17})(?:\.([0-9]{1,8}))?$/;

/**
 * Satoshis of a decimal coin string, or `undefined` when it is not one (at most 8 decimals, no sign,
 * no exponent, no leading zeros). Example: `parseCoins('1.5')` is `150000000n`.
 */
export function parseCoins(s: string): bigint | undefined {
  const m = COIN_RE.exec(s);
  if (m === null) return undefined;
  const whole = BigInt(m[1]!);
  const frac = BigInt((m[2] ?? '').padEnd(8, '0'));
  return whole * COIN + frac;
}

/**
 * The shortest decimal coin string of a non-negative satoshi amount (no trailing zeros, no trailing
 * point). Example: `formatCoins(100000n)` is `'0.001'`; `formatCoins(COIN)` is `'1'`.
 */
export function formatCoins(sat: bigint): string {
  if (sat < 0n) throw new RangeError(`negative amount ${sat}`);
  const whole = sat / COIN;
  const frac = (sat % COIN).toString().padStart(8, '0').replace(/0+$/, '');
  return frac === '' ? whole.toString() : `${whole}.${frac}`;
}
