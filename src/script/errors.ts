/**
 * Script error names: exactly the names Bitcoin Core's `script_tests.json` uses (`EVAL_FALSE`,
 * `BAD_OPCODE`, ...), plus cchost's crypto-condition codes (CC.md B12). `scriptErrorCode` gives the
 * namespaced `SCRIPT_ERR_*` form (Core's enum spelling) used in logs and RPC error data.
 */

/** Every script error name with a one-line description. */
export const SCRIPT_ERRORS = {
  /** No error (the vectors' name for success). */
  OK: 'no error',
  /** Reserved for failures with no more specific name (not produced by the legacy interpreter). */
  UNKNOWN_ERROR: 'unknown error',
  /** The script ran without error but left an empty stack or a false top item. */
  EVAL_FALSE: 'script evaluated without error but finished with a false/empty top stack element',
  /** OP_RETURN was executed. */
  OP_RETURN: 'OP_RETURN was encountered',
  /** The script is longer than 10,000 bytes. */
  SCRIPT_SIZE: 'script is larger than 10,000 bytes',
  /** A push is larger than 520 bytes (checked even in unexecuted branches). */
  PUSH_SIZE: 'push value is larger than 520 bytes',
  /** More than 201 non-push opcodes (CHECKMULTISIG adds its key count). */
  OP_COUNT: 'operation limit of 201 exceeded',
  /** Stack plus altstack hold more than 1,000 items. */
  STACK_SIZE: 'stack size limit of 1,000 exceeded',
  /** CHECKMULTISIG signature count is negative or above the key count. */
  SIG_COUNT: 'signature count negative or greater than pubkey count',
  /** CHECKMULTISIG key count is negative or above 20. */
  PUBKEY_COUNT: 'pubkey count negative or above 20',
  /** OP_VERIFY found a false value. */
  VERIFY: 'script failed an OP_VERIFY operation',
  /** OP_EQUALVERIFY found unequal values. */
  EQUALVERIFY: 'script failed an OP_EQUALVERIFY operation',
  /** OP_CHECKMULTISIGVERIFY failed. */
  CHECKMULTISIGVERIFY: 'script failed an OP_CHECKMULTISIGVERIFY operation',
  /** OP_CHECKSIGVERIFY failed. */
  CHECKSIGVERIFY: 'script failed an OP_CHECKSIGVERIFY operation',
  /** OP_NUMEQUALVERIFY found unequal numbers. */
  NUMEQUALVERIFY: 'script failed an OP_NUMEQUALVERIFY operation',
  /** An undefined or reserved opcode was executed, a push is truncated, or VERIF/VERNOTIF appears at all. */
  BAD_OPCODE: 'opcode missing or not understood',
  /** One of the 15 disabled opcodes appears (even unexecuted). */
  DISABLED_OPCODE: 'attempted to use a disabled opcode',
  /** An opcode needs more stack items than there are, or PICK/ROLL is out of range. */
  INVALID_STACK_OPERATION: 'operation not valid with the current stack size',
  /** OP_FROMALTSTACK on an empty altstack. */
  INVALID_ALTSTACK_OPERATION: 'operation not valid with the current altstack size',
  /** ELSE/ENDIF without IF, or IF without ENDIF at the end of a script. */
  UNBALANCED_CONDITIONAL: 'invalid OP_IF construction',
  /** CHECKLOCKTIMEVERIFY/CHECKSEQUENCEVERIFY operand is negative. */
  NEGATIVE_LOCKTIME: 'negative locktime',
  /** The transaction does not satisfy the CHECKLOCKTIMEVERIFY/CHECKSEQUENCEVERIFY operand. */
  UNSATISFIED_LOCKTIME: 'locktime requirement not satisfied',
  /** STRICTENC: the signature's hash type is undefined. */
  SIG_HASHTYPE: 'signature hash type missing or not understood',
  /** DERSIG/LOW_S/STRICTENC: the signature is not strict DER. */
  SIG_DER: 'non-canonical DER signature',
  /** MINIMALDATA: a push or numeric operand is not minimally encoded. */
  MINIMALDATA: 'data push larger than necessary',
  /** The scriptSig is not push-only (SIGPUSHONLY, or a P2SH spend). */
  SIG_PUSHONLY: 'only push operators allowed in signatures',
  /** LOW_S: the signature's S value is above n/2. */
  SIG_HIGH_S: 'non-canonical signature: S value is unnecessarily high',
  /** NULLDUMMY: the extra CHECKMULTISIG item is not empty. */
  SIG_NULLDUMMY: 'dummy CHECKMULTISIG argument must be zero',
  /** STRICTENC: the public key is neither 33-byte compressed nor 65-byte uncompressed. */
  PUBKEYTYPE: 'public key is neither compressed nor uncompressed',
  /** CLEANSTACK: more or fewer than one item left. */
  CLEANSTACK: 'stack size must be exactly one after execution',
  /** Segwit only (never produced by cchost). */
  MINIMALIF: 'OP_IF/NOTIF argument must be minimal',
  /** NULLFAIL: a failed signature check had a non-empty signature. */
  NULLFAIL: 'signature must be zero for failed CHECK(MULTI)SIG operation',
  /** DISCOURAGE_UPGRADABLE_NOPS: NOP1 or NOP4..NOP10 was executed. */
  DISCOURAGE_UPGRADABLE_NOPS: 'NOPx reserved for soft-fork upgrades',
  /** Segwit only (never produced by cchost). */
  DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM: 'witness version reserved for soft-fork upgrades',
  /** Segwit only (never produced by cchost). */
  WITNESS_PROGRAM_WRONG_LENGTH: 'witness program has incorrect length',
  /** Segwit only (never produced by cchost). */
  WITNESS_PROGRAM_WITNESS_EMPTY: 'witness program was passed an empty witness',
  /** Segwit only (never produced by cchost). */
  WITNESS_PROGRAM_MISMATCH: 'witness program hash mismatch',
  /** Segwit only (never produced by cchost). */
  WITNESS_MALLEATED: 'witness requires empty scriptSig',
  /** Segwit only (never produced by cchost). */
  WITNESS_MALLEATED_P2SH: 'witness requires only-redeemscript scriptSig',
  /** Segwit only (never produced by cchost). */
  WITNESS_UNEXPECTED: 'witness provided for non-witness script',
  /** Segwit only (never produced by cchost). */
  WITNESS_PUBKEYTYPE: 'using non-compressed keys in segwit',
  /** Taproot only (never produced by cchost). */
  TAPSCRIPT_EMPTY_PUBKEY: 'empty public key in tapscript',
  /** CONST_SCRIPTCODE: OP_CODESEPARATOR appears in a legacy script. */
  OP_CODESEPARATOR: 'using OP_CODESEPARATOR in non-witness script',
  /** CONST_SCRIPTCODE: the signature was found in the scriptCode (FindAndDelete would change it). */
  SIG_FINDANDDELETE: 'signature is found in scriptCode',
  /** A numeric operand is too long, or not minimal under MINIMALDATA. */
  SCRIPTNUM: 'script number overflow or non-minimal encoding',

  // cchost crypto-condition codes (CC.md B12), reported when SCRIPT_VERIFY_CRYPTOCONDITIONS is on.
  /** The CC scriptSig is not `push(F‖h)` or `push(F‖h) push(W)` with minimal pushes and B3 sizes. */
  CC_SCRIPTSIG: 'CC scriptSig must be one or two minimal data pushes within the size limits',
  /** The fulfillment's hash type is undefined, or SINGLE without a matching output. */
  CC_HASHTYPE: 'CC fulfillment hash type is invalid',
  /** The fulfillment does not parse strictly. */
  CC_PARSE: 'CC fulfillment does not parse',
  /** A depth, children, contents, cost or eval-code bound is exceeded. */
  CC_LIMIT: 'CC fulfillment exceeds a limit',
  /** The fulfillment uses a condition type the chain does not allow. */
  CC_TYPE: 'CC fulfillment uses a disallowed condition type',
  /** The condition derived from the fulfillment differs from the spent one. */
  CC_MISMATCH: 'CC fulfillment does not match the spent condition',
  /** A signature inside the fulfillment does not verify. */
  CC_SIG: 'CC fulfillment signature does not verify',
  /** The fulfillment has no verified signer and no authorising module. */
  CC_NO_SIGNER: 'CC fulfillment has no signer',
  /** An eval node names a module that is not registered or not active. */
  CC_EVAL_UNKNOWN: 'CC eval code is not a registered active module',
  /** The spent output's tail names a module no fulfilled eval node dispatches. */
  CC_EVAL_MISSING: 'CC output module not dispatched by the fulfillment',
  /** 0xcc/0xcd executed outside a CC output template being spent. */
  CC_TEMPLATE: 'OP_CHECKCRYPTOCONDITION outside a CC output template',
  /** An output violates the CC creation rules C1–C4. */
  CC_OUTPUT: 'CC output violates the creation rules',
  /** A module threw while validating. */
  CC_MODULE_THREW: 'CC module threw',
  /** A module returned a malformed verdict. */
  CC_MODULE_RESULT: 'CC module returned a malformed verdict',
  /** A threshold is not met (library level). */
  CC_THRESHOLD_UNMET: 'CC threshold not met',
  /** cchost: a CC template is spent with the CC flag on but no crypto-conditions hook is installed. */
  CC_NO_HOST: 'no crypto-conditions host is installed to check this CC spend',
  /** cchost: the crypto-conditions hook threw or returned a code that is not a CC script error. */
  CC_HOST_ERROR: 'the crypto-conditions host failed',
} as const;

/** A script error name, e.g. `'EVAL_FALSE'` (as written in Core's vectors) or `'CC_TEMPLATE'`. */
export type ScriptErrorName = keyof typeof SCRIPT_ERRORS;

/** The crypto-condition subset of the names, which a `CryptoConditionsHook` may return. */
export type CcScriptErrorName = Extract<ScriptErrorName, `CC_${string}`>;

/** The namespaced code of a script error: `SCRIPT_ERR_` plus Core's enum spelling. */
export type ScriptErrorCode = `SCRIPT_ERR_${string}`;

/** All script error names, in declaration order. */
export const SCRIPT_ERROR_NAMES: readonly ScriptErrorName[] = Object.keys(SCRIPT_ERRORS) as ScriptErrorName[];

/** True when `s` is a script error name. */
export function isScriptErrorName(s: unknown): s is ScriptErrorName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(SCRIPT_ERRORS, s);
}

/** True when `s` is a crypto-condition script error name (`CC_*`). */
export function isCcScriptErrorName(s: unknown): s is CcScriptErrorName {
  return isScriptErrorName(s) && s.startsWith('CC_');
}

/**
 * The `SCRIPT_ERR_*` code of an error name, in Core's enum spelling where it differs from the vector
 * name (`NULLFAIL` is `SCRIPT_ERR_SIG_NULLFAIL`). Example: `scriptErrorCode('EVAL_FALSE')` is
 * `'SCRIPT_ERR_EVAL_FALSE'`.
 */
export function scriptErrorCode(name: ScriptErrorName): ScriptErrorCode {
  if (name === 'NULLFAIL') return 'SCRIPT_ERR_SIG_NULLFAIL';
  return `SCRIPT_ERR_${name}`;
}

/** The one-line description of an error name. */
export function scriptErrorMessage(name: ScriptErrorName): string {
  return SCRIPT_ERRORS[name];
}
