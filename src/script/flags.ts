/**
 * Script verification flags with Bitcoin Core's names and bit numbers (bits 0..20), plus cchost's
 * crypto-conditions flag at bit 30. Flags are a plain 31-bit number (never the JS sign bit).
 *
 * The witness and taproot flags (WITNESS, DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM, MINIMALIF,
 * WITNESS_PUBKEYTYPE, TAPROOT and the three taproot DISCOURAGE_* flags) are recognised so vector flag
 * strings and Core's flag numbers carry over, but they do nothing here: cchost has no segwit, and in
 * Core they only act inside witness programs.
 */
import type { ErrorData, Result } from '../util/errors.ts';

/** BIP16: evaluate P2SH redeem scripts. */
export const SCRIPT_VERIFY_P2SH = 1 << 0;
/** Strict DER signatures, defined hash types, compressed/uncompressed pubkeys only (policy). */
export const SCRIPT_VERIFY_STRICTENC = 1 << 1;
/** BIP66: non-empty signatures must be strict DER. */
export const SCRIPT_VERIFY_DERSIG = 1 << 2;
/** Signature S at most n/2 (implies the DER check). */
export const SCRIPT_VERIFY_LOW_S = 1 << 3;
/** BIP147: the extra CHECKMULTISIG stack item must be empty. */
export const SCRIPT_VERIFY_NULLDUMMY = 1 << 4;
/** scriptSig must be push-only. */
export const SCRIPT_VERIFY_SIGPUSHONLY = 1 << 5;
/** Executed pushes minimal; numeric operands minimally encoded. */
export const SCRIPT_VERIFY_MINIMALDATA = 1 << 6;
/** Executing NOP1, NOP4..NOP10 fails. */
export const SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS = 1 << 7;
/** Exactly one stack item after evaluation (Core requires P2SH and WITNESS with it). */
export const SCRIPT_VERIFY_CLEANSTACK = 1 << 8;
/** BIP65: OP_CHECKLOCKTIMEVERIFY. */
export const SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY = 1 << 9;
/** BIP112: OP_CHECKSEQUENCEVERIFY. */
export const SCRIPT_VERIFY_CHECKSEQUENCEVERIFY = 1 << 10;
/** BIP141 (inert in cchost). */
export const SCRIPT_VERIFY_WITNESS = 1 << 11;
/** Unknown witness versions fail (inert in cchost). */
export const SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM = 1 << 12;
/** Minimal IF/NOTIF arguments in segwit scripts (inert in cchost). */
export const SCRIPT_VERIFY_MINIMALIF = 1 << 13;
/** A failed CHECK(MULTI)SIG requires all signatures empty. */
export const SCRIPT_VERIFY_NULLFAIL = 1 << 14;
/** Compressed keys in segwit v0 (inert in cchost). */
export const SCRIPT_VERIFY_WITNESS_PUBKEYTYPE = 1 << 15;
/** OP_CODESEPARATOR and FindAndDelete matches fail in legacy scripts. */
export const SCRIPT_VERIFY_CONST_SCRIPTCODE = 1 << 16;
/** BIP341/342 (inert in cchost). */
export const SCRIPT_VERIFY_TAPROOT = 1 << 17;
/** Unknown tapleaf versions fail (inert in cchost). */
export const SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION = 1 << 18;
/** OP_SUCCESSx fails in tapscript (inert in cchost). */
export const SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS = 1 << 19;
/** Unknown tapscript pubkey types fail (inert in cchost). */
export const SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE = 1 << 20;
/** cchost: OP_CHECKCRYPTOCONDITION (0xcc) spends CC output templates through the CC hook (CC.md B1). */
export const SCRIPT_VERIFY_CRYPTOCONDITIONS = 1 << 30;

/** Every flag by its name in Core's vector files (plus `CRYPTOCONDITIONS`). */
export const SCRIPT_FLAGS = {
  P2SH: SCRIPT_VERIFY_P2SH,
  STRICTENC: SCRIPT_VERIFY_STRICTENC,
  DERSIG: SCRIPT_VERIFY_DERSIG,
  LOW_S: SCRIPT_VERIFY_LOW_S,
  NULLDUMMY: SCRIPT_VERIFY_NULLDUMMY,
  SIGPUSHONLY: SCRIPT_VERIFY_SIGPUSHONLY,
  MINIMALDATA: SCRIPT_VERIFY_MINIMALDATA,
  DISCOURAGE_UPGRADABLE_NOPS: SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS,
  CLEANSTACK: SCRIPT_VERIFY_CLEANSTACK,
  CHECKLOCKTIMEVERIFY: SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY,
  CHECKSEQUENCEVERIFY: SCRIPT_VERIFY_CHECKSEQUENCEVERIFY,
  WITNESS: SCRIPT_VERIFY_WITNESS,
  DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM: SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM,
  MINIMALIF: SCRIPT_VERIFY_MINIMALIF,
  NULLFAIL: SCRIPT_VERIFY_NULLFAIL,
  WITNESS_PUBKEYTYPE: SCRIPT_VERIFY_WITNESS_PUBKEYTYPE,
  CONST_SCRIPTCODE: SCRIPT_VERIFY_CONST_SCRIPTCODE,
  TAPROOT: SCRIPT_VERIFY_TAPROOT,
  DISCOURAGE_UPGRADABLE_TAPROOT_VERSION: SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION,
  DISCOURAGE_OP_SUCCESS: SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS,
  DISCOURAGE_UPGRADABLE_PUBKEYTYPE: SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE,
  CRYPTOCONDITIONS: SCRIPT_VERIFY_CRYPTOCONDITIONS,
} as const;

/** A flag name accepted by `parseScriptFlags`. */
export type ScriptFlagName = keyof typeof SCRIPT_FLAGS;

/** The 21 flags Core defines (bits 0..20); never includes the CC flag. */
export const ALL_CORE_FLAGS = (1 << 21) - 1;

/** Flags that change behaviour in cchost's legacy interpreter (the others are accepted and inert). */
export const IMPLEMENTED_FLAGS =
  SCRIPT_VERIFY_P2SH |
  SCRIPT_VERIFY_STRICTENC |
  SCRIPT_VERIFY_DERSIG |
  SCRIPT_VERIFY_LOW_S |
  SCRIPT_VERIFY_NULLDUMMY |
  SCRIPT_VERIFY_SIGPUSHONLY |
  SCRIPT_VERIFY_MINIMALDATA |
  SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS |
  SCRIPT_VERIFY_CLEANSTACK |
  SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY |
  SCRIPT_VERIFY_CHECKSEQUENCEVERIFY |
  SCRIPT_VERIFY_NULLFAIL |
  SCRIPT_VERIFY_CONST_SCRIPTCODE;

/**
 * Core's MANDATORY_SCRIPT_VERIFY_FLAGS (block validity): P2SH, DERSIG, NULLDUMMY, CLTV, CSV, plus the
 * inert WITNESS and TAPROOT so the number equals Core's. The node adds SCRIPT_VERIFY_CRYPTOCONDITIONS
 * where the chain enables CC.
 */
export const MANDATORY_SCRIPT_VERIFY_FLAGS =
  SCRIPT_VERIFY_P2SH |
  SCRIPT_VERIFY_DERSIG |
  SCRIPT_VERIFY_NULLDUMMY |
  SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY |
  SCRIPT_VERIFY_CHECKSEQUENCEVERIFY |
  SCRIPT_VERIFY_WITNESS |
  SCRIPT_VERIFY_TAPROOT;

/**
 * cchost's block (consensus) flags, per DESIGN.md §3: Core's mandatory set plus STRICTENC, LOW_S and
 * NULLFAIL. A new chain has no legacy transactions to keep valid, so signature malleability rules that
 * Core can only enforce as relay policy are consensus here. The node adds SCRIPT_VERIFY_CRYPTOCONDITIONS
 * from the CC activation height. Every block-valid script is also mempool-valid (the standard set is a
 * superset), which the script-verification cache relies on.
 */
export const BLOCK_SCRIPT_VERIFY_FLAGS =
  MANDATORY_SCRIPT_VERIFY_FLAGS | SCRIPT_VERIFY_STRICTENC | SCRIPT_VERIFY_LOW_S | SCRIPT_VERIFY_NULLFAIL;

/**
 * Core's STANDARD_SCRIPT_VERIFY_FLAGS (mempool relay): the mandatory set plus STRICTENC, MINIMALDATA,
 * DISCOURAGE_UPGRADABLE_NOPS, CLEANSTACK, MINIMALIF, NULLFAIL, LOW_S, CONST_SCRIPTCODE and the
 * witness/taproot discourage flags; i.e. all 21 Core flags except SIGPUSHONLY (Core checks push-only
 * scriptSigs for relay separately).
 */
export const STANDARD_SCRIPT_VERIFY_FLAGS = ALL_CORE_FLAGS & ~SCRIPT_VERIFY_SIGPUSHONLY;

/** Error of `parseScriptFlags`. */
export interface ScriptFlagsError extends ErrorData<'SCRIPT_FLAGS_UNKNOWN'> {
  /** A name in the string is not a known flag. */
  readonly code: 'SCRIPT_FLAGS_UNKNOWN';
  readonly message: string;
  readonly name: string;
}

/**
 * Parses Core's comma-separated flag string (`"P2SH,STRICTENC"`; `""` and `"NONE"` are no flags).
 * Example: `parseScriptFlags('P2SH,DERSIG')` is `ok(5)`.
 */
export function parseScriptFlags(s: string): Result<number, ScriptFlagsError> {
  if (typeof s !== 'string') {
    return { ok: false, error: { code: 'SCRIPT_FLAGS_UNKNOWN', message: 'flags must be a string', name: String(s) } };
  }
  let flags = 0;
  if (s === '' || s === 'NONE') return { ok: true, value: 0 };
  for (const name of s.split(',')) {
    const bit = Object.prototype.hasOwnProperty.call(SCRIPT_FLAGS, name)
      ? SCRIPT_FLAGS[name as ScriptFlagName]
      : undefined;
    if (bit === undefined) {
      return {
        ok: false,
        error: {
          code: 'SCRIPT_FLAGS_UNKNOWN',
          message: `unknown script flag "${name}"; known flags: ${Object.keys(SCRIPT_FLAGS).join(', ')}`,
          name,
        },
      };
    }
    flags |= bit;
  }
  return { ok: true, value: flags };
}

/**
 * The names of the flags set in `flags`, comma-separated, in bit order (`""` for none).
 * Example: `formatScriptFlags(5)` is `'P2SH,DERSIG'`.
 */
export function formatScriptFlags(flags: number): string {
  const names: string[] = [];
  for (const [name, bit] of Object.entries(SCRIPT_FLAGS)) if ((flags & bit) !== 0) names.push(name);
  return names.join(',');
}
