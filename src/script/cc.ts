/**
 * The script side of OP_CHECKCRYPTOCONDITION (0xcc), CC.md B1–B5: recognising CC output templates,
 * splitting a CC scriptSig, and the hook interface through which the crypto-conditions host (src/cc)
 * checks a spend. The interpreter never interprets conditions itself.
 *
 * With SCRIPT_VERIFY_CRYPTOCONDITIONS on and a scriptPubKey that is a CC template, `verifyScript`:
 * 1. splits the scriptSig with `parseCcScriptSig` (CC_SCRIPTSIG if it is not of the B3 form) and
 *    starts the scriptPubKey on the stack `[F‖h]` (the scriptSig is not executed; W goes to the hook);
 * 2. runs the scriptPubKey: the push adds C, then 0xcc pops C and F‖h and calls
 *    `hook.checkSpend(...)` (CC_NO_HOST when no hook is installed); on `{ ok: true }` it pushes true,
 *    on `{ ok: false, error }` the script fails with that CC code;
 * 3. finishes as any script: the tail push and OP_DROP run, EVAL_FALSE/CLEANSTACK apply.
 * 0xcc or 0xcd executed anywhere else fails with CC_TEMPLATE. With the flag off both are BAD_OPCODE.
 */
import type { CcScriptErrorName } from './errors.ts';
import type { SignatureChecker } from './checker.ts';
import { OP } from './opcodes.ts';

/** Longest condition push in a template (a direct push). */
export const MAX_CC_CONDITION_SIZE = 75;
/** Shortest params tail P (version byte and eval code). */
export const MIN_CC_PARAMS_SIZE = 2;
/** Longest params tail P (it is executed, so MAX_SCRIPT_ELEMENT_SIZE). */
export const MAX_CC_PARAMS_SIZE = 520;
/** Shortest fulfillment push F‖h. */
export const MIN_CC_FULFILLMENT_PUSH = 5;
/** Longest fulfillment push F‖h (Komodo's limit). */
export const MAX_CC_FULFILLMENT_PUSH = 2048;
/** Longest module witness W (= MAX_SCRIPT_SIZE). */
export const MAX_CC_WITNESS_SIZE = 10_000;

/** A CC output template recognised in a scriptPubKey (CC.md B2). */
export interface CcTemplate {
  /** The condition C (1..75 bytes). */
  readonly condition: Uint8Array;
  /** The params tail P when the output has one (`01 ‖ evalCode ‖ moduleData`, 2..520 bytes, unchecked here). */
  readonly params?: Uint8Array;
  /** The CC sub-script `L ‖ C ‖ CC`: the sighash scriptCode (B5) and the CC address preimage (B9). */
  readonly subScript: Uint8Array;
  /** Byte offset of the 0xcc opcode in the scriptPubKey (always `1 + C.length`). */
  readonly opIndex: number;
}

/**
 * Recognises a CC output template byte for byte: `L‖C‖CC` (1 ≤ L = len(C) ≤ 75) or
 * `L‖C‖CC‖push(P)‖75` with push(P) the shortest push and 2 ≤ len(P) ≤ 520. Anything else is `null`.
 * Example: `matchCcTemplate(fromHex('2ea22c…01cc'))` gives `{ condition, subScript, opIndex: 47 }`.
 */
export function matchCcTemplate(scriptPubKey: Uint8Array): CcTemplate | null {
  if (!(scriptPubKey instanceof Uint8Array)) return null;
  const n = scriptPubKey.length;
  if (n < 3) return null;
  const L = scriptPubKey[0]!;
  if (L < 1 || L > MAX_CC_CONDITION_SIZE || n < L + 2) return null;
  if (scriptPubKey[L + 1] !== OP.OP_CHECKCRYPTOCONDITION) return null;
  const condition = scriptPubKey.subarray(1, 1 + L);
  const subScript = scriptPubKey.subarray(0, L + 2);
  if (n === L + 2) return { condition, subScript, opIndex: L + 1 };
  // Tail: push(P) OP_DROP with the shortest push for len(P).
  const push = readMinimalDataPush(scriptPubKey, L + 2);
  if (push === null) return null;
  const len = push.end - push.start;
  if (len < MIN_CC_PARAMS_SIZE || len > MAX_CC_PARAMS_SIZE) return null;
  if (n !== push.end + 1 || scriptPubKey[n - 1] !== OP.OP_DROP) return null;
  return { condition, params: scriptPubKey.subarray(push.start, push.end), subScript, opIndex: L + 1 };
}

/** The parts of a CC scriptSig (CC.md B3). */
export interface CcScriptSig {
  /** F‖h: the fulfillment followed by the one-byte hash type. */
  readonly fulfillment: Uint8Array;
  /** W, the module witness, when present. */
  readonly witness?: Uint8Array;
}

/**
 * Splits a CC scriptSig: exactly `push(F‖h)` or `push(F‖h) push(W)`, each the shortest data push for
 * its length (direct 1..75, PUSHDATA1 76..255, PUSHDATA2 256..65535; OP_0/OP_n not accepted), with
 * 5 ≤ len(F‖h) ≤ 2048 and 1 ≤ len(W) ≤ 10,000. Returns `null` otherwise (CC_SCRIPTSIG).
 */
export function parseCcScriptSig(scriptSig: Uint8Array): CcScriptSig | null {
  if (!(scriptSig instanceof Uint8Array)) return null;
  const first = readMinimalDataPush(scriptSig, 0);
  if (first === null) return null;
  const fulfillment = scriptSig.subarray(first.start, first.end);
  if (fulfillment.length < MIN_CC_FULFILLMENT_PUSH || fulfillment.length > MAX_CC_FULFILLMENT_PUSH) return null;
  if (first.end === scriptSig.length) return { fulfillment };
  const second = readMinimalDataPush(scriptSig, first.end);
  if (second === null || second.end !== scriptSig.length) return null;
  const witness = scriptSig.subarray(second.start, second.end);
  if (witness.length < 1 || witness.length > MAX_CC_WITNESS_SIZE) return null;
  return { fulfillment, witness };
}

/** A data push at `pos` using the shortest opcode for its (non-zero) length; `null` otherwise. */
function readMinimalDataPush(s: Uint8Array, pos: number): { start: number; end: number } | null {
  if (pos >= s.length) return null;
  const op = s[pos]!;
  let len: number;
  let hdr: number;
  if (op >= 1 && op <= 75) {
    len = op;
    hdr = 1;
  } else if (op === OP.OP_PUSHDATA1) {
    if (pos + 2 > s.length) return null;
    len = s[pos + 1]!;
    hdr = 2;
    if (len < 76) return null;
  } else if (op === OP.OP_PUSHDATA2) {
    if (pos + 3 > s.length) return null;
    len = s[pos + 1]! | (s[pos + 2]! << 8);
    hdr = 3;
    if (len < 256) return null;
  } else {
    return null;
  }
  const start = pos + hdr;
  if (start + len > s.length) return null;
  return { start, end: start + len };
}

/** What the interpreter hands the crypto-conditions host when 0xcc executes in a spent CC template. */
export interface CcSpendRequest {
  /** F‖h from the scriptSig (the last byte is the hash type h). */
  readonly fulfillment: Uint8Array;
  /** The module witness W, when the scriptSig has one. */
  readonly witness?: Uint8Array;
  /** The template being spent (condition C, params tail P, sub-script for the sighash). */
  readonly template: CcTemplate;
  /** The whole scriptSig and scriptPubKey of the input. */
  readonly scriptSig: Uint8Array;
  readonly scriptPubKey: Uint8Array;
  /** The verification flags in force. */
  readonly flags: number;
  /**
   * The checker of this input; `checker.tx` and `checker.inputIndex` identify the spend, and a
   * `TransactionSignatureChecker` computes the B5 message with `sighash(template.subScript, h)`.
   */
  readonly checker: SignatureChecker;
}

/**
 * The host's verdict. `info` is passed back unchanged in `verifyScript`'s success result (`cc`), e.g.
 * the eval nodes to dispatch (B4 step 8). A failure names one of the CC script error codes (B12).
 */
export type CcSpendResult =
  | { readonly ok: true; readonly info?: unknown }
  | { readonly ok: false; readonly error: CcScriptErrorName; readonly message?: string };

/**
 * The crypto-conditions host, installed by the node through `verifyScript`'s options. It implements
 * CC.md B4 steps 2–9 (hash type, parse, limits, types, condition match, signatures, signer rule, eval
 * codes, tail binding) and must be pure; a throw becomes CC_HOST_ERROR.
 */
export interface CryptoConditionsHook {
  checkSpend(request: CcSpendRequest): CcSpendResult;
}
