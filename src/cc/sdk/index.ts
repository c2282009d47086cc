/**
 * The module SDK's helpers (CC.md B2, B3, B5, B9, B10): condition builders, CC scripts and
 * addresses, module global keys, the OP_RETURN codec and the CC input signer.
 */
export { MAX_EVAL_CODE_BYTES, cc1of1, cc1of2, ccCondition, ccMultiEval, evalNode, secp256k1Node, type EvalSpec } from './builders.ts';
export { ccOutputScript, ccScriptSig, ccSubScript, decodeCcOutput, type CcOutputInfo, type NotCcOutput } from './script.ts';
export { KOMODO_PREFIXES, ccAddress, ccAddressHash, ccAddressOfScript, pubkeyAddress, type AddressPrefixes } from './address.ts';
export { MODULE_KEY_TAG, moduleGlobalKey, type ModuleKeyPair } from './keys.ts';
export { readCompactSize, writeCompactSize, type CompactSizeRead } from './compactSize.ts';
export {
  MAX_OPRET_SCRIPT,
  OPRET_CODECS,
  decodeLastOpret,
  decodeOpret,
  decodeOpretPayload,
  defineOpretSchema,
  encodeOpret,
  encodeOpretPayload,
  opretPayload,
  opretScript,
  type DecodedOpret,
  type OpretCodec,
  type OpretField,
  type OpretSchema,
  type OpretValue,
} from './opret.ts';
export { signCcInput, type CcSdkError, type SignCcInputOptions, type SignedCcInput } from './sign.ts';
