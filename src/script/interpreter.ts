/**
 * The legacy script interpreter: Bitcoin Core's `EvalScript` and `VerifyScript` for SigVersion::BASE,
 * with Core's exact error names, plus cchost's OP_CHECKCRYPTOCONDITION gate (see cc.ts).
 *
 * Limits: scripts ≤ 10,000 bytes, pushes ≤ 520 bytes, ≤ 201 non-push opcodes per script (counted
 * executed or not; CHECKMULTISIG adds its key count), stack + altstack ≤ 1,000 items after every opcode.
 * Nothing here throws: every input ends in `{ ok: true }` or a typed `ScriptFailure`.
 */
import { hash160, hash256, ripemd160, sha1, sha256 } from '../crypto/hash.ts';
import type { CcTemplate, CryptoConditionsHook } from './cc.ts';
import { matchCcTemplate, parseCcScriptSig } from './cc.ts';
import type { SignatureChecker } from './checker.ts';
import { SEQUENCE_LOCKTIME_DISABLE_FLAG } from './checker.ts';
import type { ScriptErrorCode, ScriptErrorName } from './errors.ts';
import { isCcScriptErrorName, scriptErrorCode, scriptErrorMessage } from './errors.ts';
import {
  SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY,
  SCRIPT_VERIFY_CHECKSEQUENCEVERIFY,
  SCRIPT_VERIFY_CLEANSTACK,
  SCRIPT_VERIFY_CONST_SCRIPTCODE,
  SCRIPT_VERIFY_CRYPTOCONDITIONS,
  SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS,
  SCRIPT_VERIFY_MINIMALDATA,
  SCRIPT_VERIFY_NULLDUMMY,
  SCRIPT_VERIFY_NULLFAIL,
  SCRIPT_VERIFY_P2SH,
  SCRIPT_VERIFY_SIGPUSHONLY,
} from './flags.ts';
import { DEFAULT_MAX_NUM_SIZE, LOCKTIME_MAX_NUM_SIZE, encodeSmallScriptNum, scriptNumOrNaN } from './num.ts';
import { OP, isDisabledOpcode } from './opcodes.ts';
import { isPayToScriptHash, isPushOnly, newOpCursor, stepOp } from './reader.ts';
import { findAndDelete } from './scriptcode.ts';
import { checkPubKeyEncoding, checkSignatureEncoding } from './sigencoding.ts';

/** Longest script (bytes). */
export const MAX_SCRIPT_SIZE = 10_000;
/** Longest stack element (bytes). */
export const MAX_SCRIPT_ELEMENT_SIZE = 520;
/** Most non-push opcodes per script. */
export const MAX_OPS_PER_SCRIPT = 201;
/** Most keys in one CHECKMULTISIG. */
export const MAX_PUBKEYS_PER_MULTISIG = 20;
/** Most items on stack + altstack. */
export const MAX_STACK_SIZE = 1000;

/** Which script was running when verification failed. */
export type ScriptPhase = 'scriptSig' | 'scriptPubKey' | 'redeemScript' | 'script';

/**
 * A typed verification failure: `error` is the vector name (`'EVAL_FALSE'`), `code` the namespaced
 * form (`'SCRIPT_ERR_EVAL_FALSE'`), `phase` the script that failed and `pos` the byte offset of the
 * failing opcode in it (when the failure is tied to one).
 */
export interface ScriptFailure {
  readonly ok: false;
  readonly error: ScriptErrorName;
  readonly code: ScriptErrorCode;
  readonly message: string;
  readonly phase?: ScriptPhase;
  readonly pos?: number;
}

/** Result of `verifyScript`: `cc` carries the crypto-conditions hook's `info` for a CC spend. */
export type VerifyResult = { readonly ok: true; readonly cc?: unknown } | ScriptFailure;

/** Result of `evalScript`. */
export type EvalResult = { readonly ok: true } | ScriptFailure;

/** Options of `verifyScript`. */
export interface VerifyOptions {
  /** The crypto-conditions host; consulted only with SCRIPT_VERIFY_CRYPTOCONDITIONS for CC template spends. */
  readonly ccHook?: CryptoConditionsHook;
}

function failure(error: ScriptErrorName, phase?: ScriptPhase, pos?: number, message?: string): ScriptFailure {
  const f: { ok: false; error: ScriptErrorName; code: ScriptErrorCode; message: string; phase?: ScriptPhase; pos?: number } = {
    ok: false,
    error,
    code: scriptErrorCode(error),
    message: message ?? scriptErrorMessage(error),
  };
  if (phase !== undefined) f.phase = phase;
  if (pos !== undefined) f.pos = pos;
  return f;
}

/**
 * Core's `CastToBool`: false for empty data, all zeros, and "negative zero" (zeros then a final 0x80).
 * Example: `castToBool(fromHex('0080'))` is false.
 */
export function castToBool(v: Uint8Array): boolean {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    if (v[i] !== 0) return !(i === n - 1 && v[i] === 0x80);
  }
  return false;
}

/** Core's `CheckMinimalPush` for the push opcode `opcode` whose data is script[start, end). */
function checkMinimalPush(script: Uint8Array, start: number, end: number, opcode: number): boolean {
  const size = end - start;
  if (size === 0) return opcode === OP.OP_0;
  if (size === 1) {
    const b = script[start]!;
    if (b >= 1 && b <= 16) return false;
    if (b === 0x81) return false;
  }
  if (size <= 75) return opcode === size;
  if (size <= 255) return opcode === OP.OP_PUSHDATA1;
  if (size <= 65535) return opcode === OP.OP_PUSHDATA2;
  return true;
}

function vchBool(b: boolean): Uint8Array {
  return b ? Uint8Array.of(1) : new Uint8Array(0);
}

/** State of a CC template spend, shared between `verifyScript` and the scriptPubKey run. */
interface CcRun {
  readonly template: CcTemplate;
  readonly witness: Uint8Array | undefined;
  readonly hook: CryptoConditionsHook | undefined;
  readonly scriptSig: Uint8Array;
  readonly scriptPubKey: Uint8Array;
  info: unknown;
}

/**
 * Runs one script on `stack`. Returns `undefined` on success or the failure. `cc` is set only for the
 * scriptPubKey of a CC template spend with the CC flag on; it marks which 0xcc may call the hook.
 */
function run(
  stack: Uint8Array[],
  script: Uint8Array,
  flags: number,
  checker: SignatureChecker,
  phase: ScriptPhase,
  cc: CcRun | undefined,
): ScriptFailure | undefined {
  if (script.length > MAX_SCRIPT_SIZE) return failure('SCRIPT_SIZE', phase, 0);
  const minimal = (flags & SCRIPT_VERIFY_MINIMALDATA) !== 0;
  const altstack: Uint8Array[] = [];
  // Core's ConditionStack: the branch flags, and how many of them are false.
  const vfExec: boolean[] = [];
  let falseCount = 0;
  let opCount = 0;
  let codeStart = 0; // the scriptCode starts after the last executed OP_CODESEPARATOR
  const c = newOpCursor();
  const end = script.length;
  let pc = 0;

  while (pc < end) {
    const fExec = falseCount === 0;
    const opPos = pc;
    if (!stepOp(script, pc, c)) return failure('BAD_OPCODE', phase, opPos);
    pc = c.next;
    const opcode = c.opcode;
    if (c.dataEnd - c.dataStart > MAX_SCRIPT_ELEMENT_SIZE) return failure('PUSH_SIZE', phase, opPos);
    // OP_RESERVED (0x50) and the pushes do not count toward the limit.
    if (opcode > OP.OP_16 && ++opCount > MAX_OPS_PER_SCRIPT) return failure('OP_COUNT', phase, opPos);
    if (isDisabledOpcode(opcode)) return failure('DISABLED_OPCODE', phase, opPos);
    if (opcode === OP.OP_CODESEPARATOR && (flags & SCRIPT_VERIFY_CONST_SCRIPTCODE) !== 0) {
      return failure('OP_CODESEPARATOR', phase, opPos);
    }

    if (fExec && opcode <= OP.OP_PUSHDATA4) {
      if (minimal && !checkMinimalPush(script, c.dataStart, c.dataEnd, opcode)) return failure('MINIMALDATA', phase, opPos);
      stack.push(script.subarray(c.dataStart, c.dataEnd));
    } else if (fExec || (opcode >= OP.OP_IF && opcode <= OP.OP_ENDIF)) {
      const n = stack.length;
      switch (opcode) {
        case OP.OP_1NEGATE:
        case OP.OP_1:
        case OP.OP_2:
        case OP.OP_3:
        case OP.OP_4:
        case OP.OP_5:
        case OP.OP_6:
        case OP.OP_7:
        case OP.OP_8:
        case OP.OP_9:
        case OP.OP_10:
        case OP.OP_11:
        case OP.OP_12:
        case OP.OP_13:
        case OP.OP_14:
        case OP.OP_15:
        case OP.OP_16:
          stack.push(encodeSmallScriptNum(opcode - (OP.OP_1 - 1)));
          break;

        case OP.OP_NOP:
          break;

        case OP.OP_CHECKLOCKTIMEVERIFY: {
          if ((flags & SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY) === 0) break; // NOP2 when not enabled
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const lockTime = scriptNumOrNaN(stack[n - 1]!, minimal, LOCKTIME_MAX_NUM_SIZE);
          if (Number.isNaN(lockTime)) return failure('SCRIPTNUM', phase, opPos);
          if (lockTime < 0) return failure('NEGATIVE_LOCKTIME', phase, opPos);
          if (!checker.checkLockTime(lockTime)) return failure('UNSATISFIED_LOCKTIME', phase, opPos);
          break;
        }

        case OP.OP_CHECKSEQUENCEVERIFY: {
          if ((flags & SCRIPT_VERIFY_CHECKSEQUENCEVERIFY) === 0) break; // NOP3 when not enabled
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const seq = scriptNumOrNaN(stack[n - 1]!, minimal, LOCKTIME_MAX_NUM_SIZE);
          if (Number.isNaN(seq)) return failure('SCRIPTNUM', phase, opPos);
          if (seq < 0) return failure('NEGATIVE_LOCKTIME', phase, opPos);
          // With the disable bit set the operand is reserved for future soft forks: a NOP.
          if ((seq & SEQUENCE_LOCKTIME_DISABLE_FLAG) !== 0) break;
          if (!checker.checkSequence(seq)) return failure('UNSATISFIED_LOCKTIME', phase, opPos);
          break;
        }

        case OP.OP_NOP1:
        case OP.OP_NOP4:
        case OP.OP_NOP5:
        case OP.OP_NOP6:
        case OP.OP_NOP7:
        case OP.OP_NOP8:
        case OP.OP_NOP9:
        case OP.OP_NOP10:
          if ((flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS) !== 0) {
            return failure('DISCOURAGE_UPGRADABLE_NOPS', phase, opPos);
          }
          break;

        case OP.OP_IF:
        case OP.OP_NOTIF: {
          let value = false;
          if (fExec) {
            if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
            value = castToBool(stack[n - 1]!);
            if (opcode === OP.OP_NOTIF) value = !value;
            stack.pop();
          }
          vfExec.push(value);
          if (!value) falseCount++;
          break;
        }

        case OP.OP_ELSE: {
          const k = vfExec.length;
          if (k === 0) return failure('UNBALANCED_CONDITIONAL', phase, opPos);
          const top = vfExec[k - 1]!;
          vfExec[k - 1] = !top;
          falseCount += top ? 1 : -1;
          break;
        }

        case OP.OP_ENDIF: {
          if (vfExec.length === 0) return failure('UNBALANCED_CONDITIONAL', phase, opPos);
          if (!vfExec.pop()) falseCount--;
          break;
        }

        case OP.OP_VERIFY:
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          if (!castToBool(stack[n - 1]!)) return failure('VERIFY', phase, opPos);
          stack.pop();
          break;

        case OP.OP_RETURN:
          return failure('OP_RETURN', phase, opPos);

        case OP.OP_TOALTSTACK:
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          altstack.push(stack.pop()!);
          break;

        case OP.OP_FROMALTSTACK:
          if (altstack.length < 1) return failure('INVALID_ALTSTACK_OPERATION', phase, opPos);
          stack.push(altstack.pop()!);
          break;

        case OP.OP_2DROP:
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack.length = n - 2;
          break;

        case OP.OP_2DUP:
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack.push(stack[n - 2]!, stack[n - 1]!);
          break;

        case OP.OP_3DUP:
          if (n < 3) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack.push(stack[n - 3]!, stack[n - 2]!, stack[n - 1]!);
          break;

        case OP.OP_2OVER:
          if (n < 4) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack.push(stack[n - 4]!, stack[n - 3]!);
          break;

        case OP.OP_2ROT: {
          if (n < 6) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const moved = stack.splice(n - 6, 2);
          stack.push(moved[0]!, moved[1]!);
          break;
        }

        case OP.OP_2SWAP: {
          if (n < 4) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const a = stack[n - 4]!;
          const b = stack[n - 3]!;
          stack[n - 4] = stack[n - 2]!;
          stack[n - 3] = stack[n - 1]!;
          stack[n - 2] = a;
          stack[n - 1] = b;
          break;
        }

        case OP.OP_IFDUP: {
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const v = stack[n - 1]!;
          if (castToBool(v)) stack.push(v);
          break;
        }

        case OP.OP_DEPTH:
          stack.push(encodeSmallScriptNum(n));
          break;

        case OP.OP_DROP:
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack.pop();
          break;

        case OP.OP_DUP:
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack.push(stack[n - 1]!);
          break;

        case OP.OP_NIP:
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack[n - 2] = stack[n - 1]!;
          stack.pop();
          break;

        case OP.OP_OVER:
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack.push(stack[n - 2]!);
          break;

        case OP.OP_PICK:
        case OP.OP_ROLL: {
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const k = scriptNumOrNaN(stack[n - 1]!, minimal, DEFAULT_MAX_NUM_SIZE);
          if (Number.isNaN(k)) return failure('SCRIPTNUM', phase, opPos);
          stack.pop();
          const m = n - 1;
          if (k < 0 || k >= m) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const v = stack[m - k - 1]!;
          if (opcode === OP.OP_ROLL) stack.splice(m - k - 1, 1);
          stack.push(v);
          break;
        }

        case OP.OP_ROT: {
          if (n < 3) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const a = stack[n - 3]!;
          stack[n - 3] = stack[n - 2]!;
          stack[n - 2] = stack[n - 1]!;
          stack[n - 1] = a;
          break;
        }

        case OP.OP_SWAP: {
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const a = stack[n - 2]!;
          stack[n - 2] = stack[n - 1]!;
          stack[n - 1] = a;
          break;
        }

        case OP.OP_TUCK: {
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const top = stack[n - 1]!;
          stack.splice(n - 2, 0, top);
          break;
        }

        case OP.OP_SIZE:
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          stack.push(encodeSmallScriptNum(stack[n - 1]!.length));
          break;

        case OP.OP_EQUAL:
        case OP.OP_EQUALVERIFY: {
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const equal = bytesEqual(stack[n - 2]!, stack[n - 1]!);
          stack.length = n - 2;
          if (opcode === OP.OP_EQUALVERIFY) {
            if (!equal) {
              stack.push(vchBool(false));
              return failure('EQUALVERIFY', phase, opPos);
            }
          } else {
            stack.push(vchBool(equal));
          }
          break;
        }

        case OP.OP_1ADD:
        case OP.OP_1SUB:
        case OP.OP_NEGATE:
        case OP.OP_ABS:
        case OP.OP_NOT:
        case OP.OP_0NOTEQUAL: {
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          let v = scriptNumOrNaN(stack[n - 1]!, minimal, DEFAULT_MAX_NUM_SIZE);
          if (Number.isNaN(v)) return failure('SCRIPTNUM', phase, opPos);
          switch (opcode) {
            case OP.OP_1ADD:
              v += 1;
              break;
            case OP.OP_1SUB:
              v -= 1;
              break;
            case OP.OP_NEGATE:
              v = -v;
              break;
            case OP.OP_ABS:
              if (v < 0) v = -v;
              break;
            case OP.OP_NOT:
              v = v === 0 ? 1 : 0;
              break;
            default:
              v = v !== 0 ? 1 : 0;
          }
          stack[n - 1] = encodeSmallScriptNum(v);
          break;
        }

        case OP.OP_ADD:
        case OP.OP_SUB:
        case OP.OP_BOOLAND:
        case OP.OP_BOOLOR:
        case OP.OP_NUMEQUAL:
        case OP.OP_NUMEQUALVERIFY:
        case OP.OP_NUMNOTEQUAL:
        case OP.OP_LESSTHAN:
        case OP.OP_GREATERTHAN:
        case OP.OP_LESSTHANOREQUAL:
        case OP.OP_GREATERTHANOREQUAL:
        case OP.OP_MIN:
        case OP.OP_MAX: {
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const a = scriptNumOrNaN(stack[n - 2]!, minimal, DEFAULT_MAX_NUM_SIZE);
          if (Number.isNaN(a)) return failure('SCRIPTNUM', phase, opPos);
          const b = scriptNumOrNaN(stack[n - 1]!, minimal, DEFAULT_MAX_NUM_SIZE);
          if (Number.isNaN(b)) return failure('SCRIPTNUM', phase, opPos);
          let r: number;
          switch (opcode) {
            case OP.OP_ADD:
              r = a + b;
              break;
            case OP.OP_SUB:
              r = a - b;
              break;
            case OP.OP_BOOLAND:
              r = a !== 0 && b !== 0 ? 1 : 0;
              break;
            case OP.OP_BOOLOR:
              r = a !== 0 || b !== 0 ? 1 : 0;
              break;
            case OP.OP_NUMEQUAL:
            case OP.OP_NUMEQUALVERIFY:
              r = a === b ? 1 : 0;
              break;
            case OP.OP_NUMNOTEQUAL:
              r = a !== b ? 1 : 0;
              break;
            case OP.OP_LESSTHAN:
              r = a < b ? 1 : 0;
              break;
            case OP.OP_GREATERTHAN:
              r = a > b ? 1 : 0;
              break;
            case OP.OP_LESSTHANOREQUAL:
              r = a <= b ? 1 : 0;
              break;
            case OP.OP_GREATERTHANOREQUAL:
              r = a >= b ? 1 : 0;
              break;
            case OP.OP_MIN:
              r = a < b ? a : b;
              break;
            default:
              r = a > b ? a : b;
          }
          stack.length = n - 2;
          stack.push(encodeSmallScriptNum(r));
          if (opcode === OP.OP_NUMEQUALVERIFY) {
            if (r === 0) return failure('NUMEQUALVERIFY', phase, opPos);
            stack.pop();
          }
          break;
        }

        case OP.OP_WITHIN: {
          if (n < 3) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const x = scriptNumOrNaN(stack[n - 3]!, minimal, DEFAULT_MAX_NUM_SIZE);
          if (Number.isNaN(x)) return failure('SCRIPTNUM', phase, opPos);
          const lo = scriptNumOrNaN(stack[n - 2]!, minimal, DEFAULT_MAX_NUM_SIZE);
          if (Number.isNaN(lo)) return failure('SCRIPTNUM', phase, opPos);
          const hi = scriptNumOrNaN(stack[n - 1]!, minimal, DEFAULT_MAX_NUM_SIZE);
          if (Number.isNaN(hi)) return failure('SCRIPTNUM', phase, opPos);
          stack.length = n - 3;
          stack.push(vchBool(lo <= x && x < hi));
          break;
        }

        case OP.OP_RIPEMD160:
        case OP.OP_SHA1:
        case OP.OP_SHA256:
        case OP.OP_HASH160:
        case OP.OP_HASH256: {
          if (n < 1) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const v = stack[n - 1]!;
          stack[n - 1] =
            opcode === OP.OP_RIPEMD160
              ? ripemd160(v)
              : opcode === OP.OP_SHA1
                ? sha1(v)
                : opcode === OP.OP_SHA256
                  ? sha256(v)
                  : opcode === OP.OP_HASH160
                    ? hash160(v)
                    : hash256(v);
          break;
        }

        case OP.OP_CODESEPARATOR:
          // CONST_SCRIPTCODE rejected it above, even unexecuted.
          codeStart = pc;
          break;

        case OP.OP_CHECKSIG:
        case OP.OP_CHECKSIGVERIFY: {
          if (n < 2) return failure('INVALID_STACK_OPERATION', phase, opPos);
          const sig = stack[n - 2]!;
          const pubkey = stack[n - 1]!;
          const found = findAndDelete(script.subarray(codeStart), sig);
          if (found.count > 0 && (flags & SCRIPT_VERIFY_CONST_SCRIPTCODE) !== 0) {
            return failure('SIG_FINDANDDELETE', phase, opPos);
          }
          const encErr = checkSignatureEncoding(sig, flags) ?? checkPubKeyEncoding(pubkey, flags);
          if (encErr !== undefined) return failure(encErr, phase, opPos);
          const success = checker.checkSig(sig, pubkey, found.script);
          if (!success && (flags & SCRIPT_VERIFY_NULLFAIL) !== 0 && sig.length > 0) {
            return failure('NULLFAIL', phase, opPos);
          }
          stack.length = n - 2;
          if (opcode === OP.OP_CHECKSIGVERIFY) {
            if (!success) {
              stack.push(vchBool(false));
              return failure('CHECKSIGVERIFY', phase, opPos);
            }
          } else {
            stack.push(vchBool(success));
          }
          break;
        }

        case OP.OP_CHECKMULTISIG:
        case OP.OP_CHECKMULTISIGVERIFY: {
          const err = checkMultisig(stack, script, codeStart, flags, checker, minimal, opcode === OP.OP_CHECKMULTISIGVERIFY, opCount);
          if (typeof err === 'string') return failure(err, phase, opPos);
          opCount = err;
          break;
        }

        case OP.OP_CHECKCRYPTOCONDITION:
        case OP.OP_CHECKCRYPTOCONDITIONVERIFY: {
          if ((flags & SCRIPT_VERIFY_CRYPTOCONDITIONS) === 0) return failure('BAD_OPCODE', phase, opPos);
          if (opcode !== OP.OP_CHECKCRYPTOCONDITION || cc === undefined || opPos !== cc.template.opIndex) {
            return failure('CC_TEMPLATE', phase, opPos);
          }
          const f = runCcHook(stack, flags, checker, cc);
          if (f !== undefined) return failure(f.error, phase, opPos, f.message);
          break;
        }

        default:
          return failure('BAD_OPCODE', phase, opPos);
      }
    }

    if (stack.length + altstack.length > MAX_STACK_SIZE) return failure('STACK_SIZE', phase, opPos);
  }

  if (vfExec.length !== 0) return failure('UNBALANCED_CONDITIONAL', phase, end);
  return undefined;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * OP_CHECKMULTISIG(VERIFY), Core's order of checks. Returns the updated op count on success or the
 * error name. `([sig ...] nSigs [pubkey ...] nKeys -- bool)`, plus the extra dummy item.
 */
function checkMultisig(
  stack: Uint8Array[],
  script: Uint8Array,
  codeStart: number,
  flags: number,
  checker: SignatureChecker,
  minimal: boolean,
  verify: boolean,
  opCount: number,
): number | ScriptErrorName {
  const top = (k: number): Uint8Array => stack[stack.length - k]!; // Core's stacktop(-k)
  let i = 1;
  if (stack.length < i) return 'INVALID_STACK_OPERATION';
  let nKeys = scriptNumOrNaN(top(i), minimal, DEFAULT_MAX_NUM_SIZE);
  if (Number.isNaN(nKeys)) return 'SCRIPTNUM';
  if (nKeys < 0 || nKeys > MAX_PUBKEYS_PER_MULTISIG) return 'PUBKEY_COUNT';
  opCount += nKeys;
  if (opCount > MAX_OPS_PER_SCRIPT) return 'OP_COUNT';
  let ikey = ++i;
  // Position of the last non-signature item; for NULLFAIL's clean-up below.
  let ikey2 = nKeys + 2;
  i += nKeys;
  if (stack.length < i) return 'INVALID_STACK_OPERATION';
  let nSigs = scriptNumOrNaN(top(i), minimal, DEFAULT_MAX_NUM_SIZE);
  if (Number.isNaN(nSigs)) return 'SCRIPTNUM';
  if (nSigs < 0 || nSigs > nKeys) return 'SIG_COUNT';
  let isig = ++i;
  i += nSigs;
  if (stack.length < i) return 'INVALID_STACK_OPERATION';

  // Remove every signature from the scriptCode before checking any of them.
  let scriptCode = script.subarray(codeStart);
  for (let k = 0; k < nSigs; k++) {
    const found = findAndDelete(scriptCode, top(isig + k));
    if (found.count > 0 && (flags & SCRIPT_VERIFY_CONST_SCRIPTCODE) !== 0) return 'SIG_FINDANDDELETE';
    scriptCode = found.script;
  }

  let success = true;
  while (success && nSigs > 0) {
    const sig = top(isig);
    const pubkey = top(ikey);
    // Encoding errors depend on the order keys and signatures are tried (as in Core).
    const encErr = checkSignatureEncoding(sig, flags) ?? checkPubKeyEncoding(pubkey, flags);
    if (encErr !== undefined) return encErr;
    if (checker.checkSig(sig, pubkey, scriptCode)) {
      isig++;
      nSigs--;
    }
    ikey++;
    nKeys--;
    // More signatures left than keys: it cannot succeed any more.
    if (nSigs > nKeys) success = false;
  }

  while (i-- > 1) {
    if (!success && (flags & SCRIPT_VERIFY_NULLFAIL) !== 0 && ikey2 === 0 && top(1).length > 0) return 'NULLFAIL';
    if (ikey2 > 0) ikey2--;
    stack.pop();
  }
  // The historical extra pop; NULLDUMMY requires it to be empty.
  if (stack.length < 1) return 'INVALID_STACK_OPERATION';
  if ((flags & SCRIPT_VERIFY_NULLDUMMY) !== 0 && top(1).length > 0) return 'SIG_NULLDUMMY';
  stack.pop();
  stack.push(vchBool(success));
  if (verify) {
    if (!success) return 'CHECKMULTISIGVERIFY';
    stack.pop();
  }
  return opCount;
}

/** 0xcc in a spent CC template: pop C and F‖h, ask the hook, push true on success. */
function runCcHook(
  stack: Uint8Array[],
  flags: number,
  checker: SignatureChecker,
  cc: CcRun,
): { error: ScriptErrorName; message?: string } | undefined {
  if (stack.length < 2) return { error: 'INVALID_STACK_OPERATION' };
  stack.pop(); // C: the template's own push, identical to cc.template.condition
  const fulfillment = stack.pop()!;
  if (cc.hook === undefined) return { error: 'CC_NO_HOST' };
  let res: unknown;
  try {
    res = cc.hook.checkSpend({
      fulfillment,
      ...(cc.witness !== undefined ? { witness: cc.witness } : {}),
      template: cc.template,
      scriptSig: cc.scriptSig,
      scriptPubKey: cc.scriptPubKey,
      flags,
      checker,
    });
  } catch (e) {
    return { error: 'CC_HOST_ERROR', message: `the crypto-conditions hook threw: ${String(e)}` };
  }
  if (typeof res !== 'object' || res === null) {
    return { error: 'CC_HOST_ERROR', message: 'the crypto-conditions hook returned no verdict' };
  }
  const r = res as { ok?: unknown; error?: unknown; message?: unknown; info?: unknown };
  if (r.ok === true) {
    cc.info = r.info;
    stack.push(vchBool(true));
    return undefined;
  }
  if (r.ok === false && isCcScriptErrorName(r.error)) {
    return typeof r.message === 'string' ? { error: r.error, message: r.message } : { error: r.error };
  }
  return { error: 'CC_HOST_ERROR', message: `the crypto-conditions hook returned a malformed verdict` };
}

function badArgs(scriptSig: unknown, scriptPubKey: unknown, flags: unknown, checker: unknown): string | undefined {
  if (!(scriptSig instanceof Uint8Array)) return 'scriptSig must be a Uint8Array';
  if (!(scriptPubKey instanceof Uint8Array)) return 'scriptPubKey must be a Uint8Array';
  if (typeof flags !== 'number' || !Number.isInteger(flags)) return 'flags must be an integer';
  if (typeof checker !== 'object' || checker === null || typeof (checker as SignatureChecker).checkSig !== 'function') {
    return 'checker must implement SignatureChecker';
  }
  return undefined;
}

/**
 * Core's `EvalScript` for a legacy script: runs `script` on `stack` (mutated in place).
 * Example: `const stack = []; evalScript(stack, fromHex('5193'), 0, NULL_SIGNATURE_CHECKER)` fails
 * with INVALID_STACK_OPERATION (OP_ADD needs two items).
 */
export function evalScript(stack: Uint8Array[], script: Uint8Array, flags: number, checker: SignatureChecker): EvalResult {
  const bad = Array.isArray(stack) ? badArgs(script, script, flags, checker) : 'stack must be an array';
  if (bad !== undefined) return failure('UNKNOWN_ERROR', 'script', undefined, bad);
  try {
    return run(stack, script, flags, checker, 'script', undefined) ?? { ok: true };
  } catch (e) {
    return failure('UNKNOWN_ERROR', 'script', undefined, `unexpected failure: ${String(e)}`);
  }
}

/**
 * Core's `VerifyScript` for legacy scripts: runs scriptSig then scriptPubKey on one stack, then the
 * P2SH redeem script (with P2SH), then CLEANSTACK. With SCRIPT_VERIFY_CRYPTOCONDITIONS, a CC template
 * scriptPubKey is spent through `options.ccHook` (see cc.ts). Never throws.
 * Example: `verifyScript(tx.ins[0].script, prevout.script, STANDARD_SCRIPT_VERIFY_FLAGS,
 * new TransactionSignatureChecker(tx, 0))` is `{ ok: true }` for a valid P2PKH spend.
 */
export function verifyScript(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  flags: number,
  checker: SignatureChecker,
  options: VerifyOptions = {},
): VerifyResult {
  const bad = badArgs(scriptSig, scriptPubKey, flags, checker);
  if (bad !== undefined) return failure('UNKNOWN_ERROR', undefined, undefined, bad);
  try {
    return verify(scriptSig, scriptPubKey, flags, checker, options);
  } catch (e) {
    return failure('UNKNOWN_ERROR', undefined, undefined, `unexpected failure: ${String(e)}`);
  }
}

function verify(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  flags: number,
  checker: SignatureChecker,
  options: VerifyOptions,
): VerifyResult {
  if ((flags & SCRIPT_VERIFY_SIGPUSHONLY) !== 0 && !isPushOnly(scriptSig)) return failure('SIG_PUSHONLY', 'scriptSig');

  let stack: Uint8Array[] = [];
  let cc: CcRun | undefined;
  const template = (flags & SCRIPT_VERIFY_CRYPTOCONDITIONS) !== 0 ? matchCcTemplate(scriptPubKey) : null;
  if (template !== null) {
    // A CC spend: the scriptSig is split, not executed (CC.md B3).
    const parts = parseCcScriptSig(scriptSig);
    if (parts === null) return failure('CC_SCRIPTSIG', 'scriptSig');
    stack.push(parts.fulfillment);
    const hook = options !== null && typeof options === 'object' ? options.ccHook : undefined;
    cc = { template, witness: parts.witness, hook, scriptSig, scriptPubKey, info: undefined };
  } else {
    const f = run(stack, scriptSig, flags, checker, 'scriptSig', undefined);
    if (f !== undefined) return f;
  }

  const p2sh = (flags & SCRIPT_VERIFY_P2SH) !== 0 && isPayToScriptHash(scriptPubKey);
  const stackCopy = p2sh ? stack.slice() : undefined;
  const f = run(stack, scriptPubKey, flags, checker, 'scriptPubKey', cc);
  if (f !== undefined) return f;
  if (stack.length === 0 || !castToBool(stack[stack.length - 1]!)) return failure('EVAL_FALSE', 'scriptPubKey');

  if (stackCopy !== undefined) {
    // BIP16: the scriptSig must be pushes only, and its last push is the redeem script.
    if (!isPushOnly(scriptSig)) return failure('SIG_PUSHONLY', 'scriptSig');
    stack = stackCopy;
    // Not empty: HASH160 <h> EQUAL succeeded on it.
    const redeemScript = stack.pop()!;
    const g = run(stack, redeemScript, flags, checker, 'redeemScript', undefined);
    if (g !== undefined) return g;
    if (stack.length === 0 || !castToBool(stack[stack.length - 1]!)) return failure('EVAL_FALSE', 'redeemScript');
  }

  // Core asserts that CLEANSTACK comes with P2SH (and WITNESS); here the rule simply applies.
  if ((flags & SCRIPT_VERIFY_CLEANSTACK) !== 0 && stack.length !== 1) return failure('CLEANSTACK');

  return cc !== undefined && cc.info !== undefined ? { ok: true, cc: cc.info } : { ok: true };
}
