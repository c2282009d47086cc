/**
 * Mempool standardness (relay policy, not consensus), after Bitcoin Core's IsStandardTx /
 * AreInputsStandard, adapted to cchost:
 * - version 1 or 2; legacy size ≤ 100,000 bytes (and the chain's `limits.maxTxBytes`);
 * - outputs of known forms: P2PKH, P2SH, P2PK, bare multisig up to 3 keys, OP_RETURN followed by
 *   pushes only (script ≤ 10,000 bytes, the B10 opret limit; any value, MODULES.md §1.1), and CC
 *   output templates while the CC flag is active;
 * - dust: an output worth less than the fee of spending it at `dustRelayFeePerKb` (Core's formula,
 *   546 sat for P2PKH at 3,000 sat/kB) is refused; OP_RETURN and CC outputs are exempt (modules use
 *   small marker values and 1-sat token units);
 * - scriptSigs push-only and ≤ 1,650 bytes, except inputs spending CC templates (their B3 form is
 *   checked by the script layer and may reach 2,048 + 10,000 bytes, CC.md B3.4).
 */
import type { Transaction } from 'bitcoinjs-lib';
import { matchCcTemplate } from '../../script/cc.ts';
import { MAX_SCRIPT_SIZE } from '../../script/interpreter.ts';
import { OP } from '../../script/opcodes.ts';
import { isPushOnly } from '../../script/reader.ts';
import type { Result } from '../../util/errors.ts';
import { legacyTxSize } from '../checkTransaction.ts';
import type { Coin } from '../state/types.ts';
import { TxRejectCode, txReject } from '../validation/errors.ts';
import type { TxRejection } from '../validation/errors.ts';

/** Largest standard transaction (Core's MAX_STANDARD_TX_WEIGHT / 4). */
export const MAX_STANDARD_TX_BYTES = 100_000;
/** Largest standard scriptSig for non-CC inputs (Core's 1,650). */
export const MAX_STANDARD_SCRIPTSIG_BYTES = 1_650;
/** Highest standard transaction version. */
export const MAX_STANDARD_TX_VERSION = 2;
/** Largest standard OP_RETURN script (CC.md B10.1: module oprets up to 10,000 bytes). */
export const MAX_STANDARD_OP_RETURN_BYTES = MAX_SCRIPT_SIZE;
/** Bytes Core assumes for the input that will spend an output, when computing dust (non-witness). */
const SPEND_INPUT_BYTES = 148;

/** The form of an output script for policy purposes. */
export type OutputKind = 'p2pkh' | 'p2sh' | 'p2pk' | 'multisig' | 'nulldata' | 'cc' | 'nonstandard';

function isKey(b: Uint8Array | undefined): boolean {
  return b !== undefined && ((b.length === 33 && (b[0] === 2 || b[0] === 3)) || (b.length === 65 && b[0] === 4));
}

function smallInt(op: number): number | undefined {
  return op >= OP.OP_1 && op <= OP.OP_16 ? op - OP.OP_1 + 1 : undefined;
}

function bareMultisig(s: Uint8Array): boolean {
  const n = s.length;
  if (n < 37 || s[n - 1] !== OP.OP_CHECKMULTISIG) return false;
  const m = smallInt(s[0]!);
  const k = smallInt(s[n - 2]!);
  if (m === undefined || k === undefined || k > 3 || m > k) return false;
  let pos = 1;
  for (let i = 0; i < k; i++) {
    const len = s[pos];
    if (len !== 33 && len !== 65) return false;
    if (!isKey(s.subarray(pos + 1, pos + 1 + len))) return false;
    pos += 1 + len;
  }
  return pos === n - 2;
}

/** Classifies an output script. `ccActive`: whether CC templates count as standard (CC flag on). */
export function classifyOutput(s: Uint8Array, ccActive: boolean): OutputKind {
  const n = s.length;
  if (n === 25 && s[0] === OP.OP_DUP && s[1] === OP.OP_HASH160 && s[2] === 20 && s[23] === OP.OP_EQUALVERIFY && s[24] === OP.OP_CHECKSIG) return 'p2pkh';
  if (n === 23 && s[0] === OP.OP_HASH160 && s[1] === 20 && s[22] === OP.OP_EQUAL) return 'p2sh';
  if ((n === 35 || n === 67) && s[0] === n - 2 && s[n - 1] === OP.OP_CHECKSIG && isKey(s.subarray(1, n - 1))) return 'p2pk';
  if (n >= 1 && s[0] === OP.OP_RETURN) return n <= MAX_STANDARD_OP_RETURN_BYTES && isPushOnly(s.subarray(1)) ? 'nulldata' : 'nonstandard';
  if (ccActive && matchCcTemplate(s) !== null) return 'cc';
  if (bareMultisig(s)) return 'multisig';
  return 'nonstandard';
}

/** Fee for `size` bytes at `perKb` satoshis per 1,000 bytes, rounded up. Example: `feeForSize(1000n, 250)` is 250n. */
export function feeForSize(perKb: bigint, size: number): bigint {
  if (perKb <= 0n || size <= 0) return 0n;
  return (perKb * BigInt(size) + 999n) / 1000n;
}

/** Core's dust threshold of an output: the fee, at `dustRelayFeePerKb`, of the output plus an input spending it. */
export function dustThreshold(script: Uint8Array, dustRelayFeePerKb: bigint): bigint {
  const outSize = 8 + (script.length < 0xfd ? 1 : 3) + script.length;
  return feeForSize(dustRelayFeePerKb, outSize + SPEND_INPUT_BYTES);
}

/** Options of the standardness checks. */
export interface StandardOptions {
  /** CC flag active at the height checked (CC templates are standard outputs, CC inputs are exempt from scriptSig rules). */
  readonly ccActive: boolean;
  /** Largest standard size (min of MAX_STANDARD_TX_BYTES and the chain's maxTxBytes). */
  readonly maxTxBytes: number;
  /** Dust fee rate per kB; null disables the dust rule. */
  readonly dustRelayFeePerKb: bigint | null;
}

function nonstandard(reason: string, message: string, extra: { input?: number; output?: number } = {}): { ok: false; error: TxRejection } {
  return txReject(TxRejectCode.NONSTANDARD, message, { reason, ...extra });
}

/** The transaction-only standardness rules (version, size, outputs, dust). */
export function checkStandardTx(tx: Transaction, opts: StandardOptions): Result<void, TxRejection> {
  const version = tx.version >>> 0;
  if (version < 1 || version > MAX_STANDARD_TX_VERSION) {
    return nonstandard('version', `transaction version ${version} is not standard (use 1, or 2 for relative lock times)`);
  }
  const size = legacyTxSize(tx);
  if (size > opts.maxTxBytes) return nonstandard('tx-size', `the transaction is ${size} bytes; relay accepts at most ${opts.maxTxBytes}`);
  for (let i = 0; i < tx.outs.length; i++) {
    const o = tx.outs[i]!;
    const kind = classifyOutput(o.script, opts.ccActive);
    if (kind === 'nonstandard') {
      return nonstandard('scriptpubkey', `output ${i} has a script of no standard form (P2PKH, P2SH, P2PK, multisig ≤ 3 keys, OP_RETURN pushes${opts.ccActive ? ', CC template' : ''})`, { output: i });
    }
    if (opts.dustRelayFeePerKb !== null && kind !== 'nulldata' && kind !== 'cc') {
      const min = dustThreshold(o.script, opts.dustRelayFeePerKb);
      if (o.value < min) return nonstandard('dust', `output ${i} is worth ${o.value} satoshis, less than the ${min} it costs to spend (dust)`, { output: i });
    }
  }
  return { ok: true, value: undefined };
}

/** The scriptSig rules, which need the spent coins (CC template spends are exempt). */
export function checkStandardInputs(tx: Transaction, coins: readonly Coin[], ccActive: boolean): Result<void, TxRejection> {
  for (let i = 0; i < tx.ins.length; i++) {
    if (ccActive && matchCcTemplate(coins[i]!.script) !== null) continue;
    const s = tx.ins[i]!.script;
    if (s.length > MAX_STANDARD_SCRIPTSIG_BYTES) {
      return nonstandard('scriptsig-size', `input ${i} has a ${s.length}-byte scriptSig; at most ${MAX_STANDARD_SCRIPTSIG_BYTES} relay`, { input: i });
    }
    if (!isPushOnly(s)) return nonstandard('scriptsig-not-pushonly', `input ${i}'s scriptSig contains operations other than pushes`, { input: i });
  }
  return { ok: true, value: undefined };
}
