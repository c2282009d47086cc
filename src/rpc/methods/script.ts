/**
 * Script views of the RPC layer: Core's `ScriptToAsmStr` (`asm`), the output type names bitcoind and
 * komodod print (`pubkeyhash`, `scripthash`, `pubkey`, `multisig`, `nulldata`, `cryptocondition`,
 * `nonstandard`), and the addresses an output pays to.
 */
import { ccAddressOfScript } from '../../cc/sdk/address.ts';
import { decodeCcOutput } from '../../cc/sdk/script.ts';
import { conditionToUri } from '../../cc/conditions/index.ts';
import { classifyOutput } from '../../chain/mempool/policy.ts';
import type { ChainPrefixes } from '../../crypto/address.ts';
import { addressFromPubkey, encodeAddress } from '../../crypto/address.ts';
import { hash160 } from '../../crypto/hash.ts';
import { OP, opcodeName } from '../../script/opcodes.ts';
import { scriptOps } from '../../script/reader.ts';
import { isValidSignatureEncoding } from '../../script/sigencoding.ts';
import { toHex } from '../../util/bytes.ts';

const SIGHASH_NAMES: Readonly<Record<number, string>> = {
  1: 'ALL',
  2: 'NONE',
  3: 'SINGLE',
  0x81: 'ALL|ANYONECANPAY',
  0x82: 'NONE|ANYONECANPAY',
  0x83: 'SINGLE|ANYONECANPAY',
};

/** A little-endian script number of at most 4 bytes, as Core's CScriptNum reads it (non-minimal allowed). */
function smallNum(data: Uint8Array): number {
  if (data.length === 0) return 0;
  let v = 0;
  for (let i = 0; i < data.length; i++) v += data[i]! * 2 ** (8 * i);
  const last = data[data.length - 1]!;
  if (last & 0x80) return -(v - 0x80 * 2 ** (8 * (data.length - 1)));
  return v;
}

/**
 * Core's `ScriptToAsmStr`: pushes of up to 4 bytes as numbers, longer pushes as hex, opcodes by name
 * (OP_1..OP_16 as `1`..`16`), `[error]` for a truncated push. With `sighashDecode` (scriptSigs) a
 * push that is a valid DER signature prints as `hex[ALL]`. Example: `scriptToAsm(p2pkh)` is
 * `OP_DUP OP_HASH160 <20 bytes hex> OP_EQUALVERIFY OP_CHECKSIG`.
 */
export function scriptToAsm(script: Uint8Array, sighashDecode = false): string {
  const parts: string[] = [];
  for (const op of scriptOps(script)) {
    if (op.kind === 'truncated') {
      parts.push('[error]');
      break;
    }
    if (op.kind === 'op') {
      parts.push(opcodeName(op.opcode));
      continue;
    }
    const d = op.data;
    if (d.length <= 4) {
      parts.push(String(smallNum(d)));
    } else if (sighashDecode && isValidSignatureEncoding(d) && SIGHASH_NAMES[d[d.length - 1]!] !== undefined) {
      parts.push(`${toHex(d.subarray(0, d.length - 1))}[${SIGHASH_NAMES[d[d.length - 1]!]}]`);
    } else {
      parts.push(toHex(d));
    }
  }
  return parts.join(' ');
}

/** bitcoind/komodod type name of an output script. */
export function scriptTypeName(script: Uint8Array): string {
  switch (classifyOutput(script, true)) {
    case 'p2pkh':
      return 'pubkeyhash';
    case 'p2sh':
      return 'scripthash';
    case 'p2pk':
      return 'pubkey';
    case 'multisig':
      return 'multisig';
    case 'nulldata':
      return 'nulldata';
    case 'cc':
      return 'cryptocondition';
    default:
      return script.length > 0 && script[0] === OP.OP_RETURN ? 'nulldata' : 'nonstandard';
  }
}

/** What an output pays to: addresses (P2PK and multisig keys as their P2PKH addresses, CC outputs as their CC address) and reqSigs. */
export function scriptDestinations(script: Uint8Array, prefixes: ChainPrefixes): { addresses: string[]; reqSigs: number } | undefined {
  switch (scriptTypeName(script)) {
    case 'pubkeyhash':
      return { addresses: [encodeAddress('pubkeyhash', script.subarray(3, 23), prefixes)], reqSigs: 1 };
    case 'scripthash':
      return { addresses: [encodeAddress('scripthash', script.subarray(2, 22), prefixes)], reqSigs: 1 };
    case 'pubkey':
      return { addresses: [addressFromPubkey(script.subarray(1, script.length - 1), prefixes)], reqSigs: 1 };
    case 'cryptocondition': {
      const a = ccAddressOfScript(script, prefixes);
      return a === undefined ? undefined : { addresses: [a], reqSigs: 1 };
    }
    case 'multisig': {
      const ops = [...scriptOps(script)];
      const m = ops[0]!.opcode - OP.OP_1 + 1;
      const keys = ops.slice(1, -2).flatMap((o) => (o.kind === 'push' ? [o.data] : []));
      return { addresses: keys.map((k) => encodeAddress('pubkeyhash', hash160(k), prefixes)), reqSigs: m };
    }
    default:
      return undefined;
  }
}

/** The CC part of a CC output: condition, its URI, the tail's eval code and module data. */
export function ccOutputJson(script: Uint8Array): Record<string, unknown> | undefined {
  const d = decodeCcOutput(script);
  if (!d.ok || d.value.kind !== 'cc') return undefined;
  const v = d.value;
  return {
    condition_hex: toHex(v.conditionBytes),
    condition_uri: conditionToUri(v.condition),
    ...(v.tail !== undefined ? { eval_code: v.tail.evalCode, eval_code_hex: `0x${v.tail.evalCode.toString(16).padStart(2, '0')}`, module_data_hex: toHex(v.tail.data) } : {}),
  };
}

/** bitcoind's `scriptPubKey` object: asm, hex, type, reqSigs and addresses (komodod), address (Core), cc (cchost). */
export function scriptPubKeyJson(script: Uint8Array, prefixes: ChainPrefixes): Record<string, unknown> {
  const type = scriptTypeName(script);
  const out: Record<string, unknown> = { asm: scriptToAsm(script), hex: toHex(script), type };
  const dest = scriptDestinations(script, prefixes);
  if (dest !== undefined) {
    out['reqSigs'] = dest.reqSigs;
    if (dest.addresses.length === 1) out['address'] = dest.addresses[0];
    out['addresses'] = dest.addresses;
  }
  if (type === 'cryptocondition') {
    const cc = ccOutputJson(script);
    if (cc !== undefined) out['cc'] = cc;
  }
  return out;
}
