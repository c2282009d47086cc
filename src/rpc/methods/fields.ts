/**
 * Checks of fields inside object parameters (`getaddressutxos {"addresses": [...]}` and friends): the
 * table validates the object itself; these name the field in every error (`query.addresses[1]`), with
 * -3 for a wrong JSON type and -8 for a bad value, as the table does for top-level params.
 */
import { decodeAddress } from '../../crypto/address.ts';
import type { ChainPrefixes } from '../../crypto/address.ts';
import type { AddressKey } from '../../chain/scriptKeys.ts';
import { describeValue } from '../params.ts';
import { rpcError } from '../errors.ts';
import { nodeRpcError } from './errors.ts';

function wrongType(path: string, expected: string, got: unknown): never {
  throw nodeRpcError('rpc/FIELD_WRONG_TYPE', `Invalid parameter '${path}': expected ${expected}, got ${describeValue(got)}`, { param: path });
}

function badValue(path: string, expected: string, got: unknown): never {
  throw nodeRpcError('rpc/BAD_FIELD', `Invalid parameter '${path}': expected ${expected}, got ${describeValue(got)}`, { param: path });
}

/** Refuses fields the method does not know (a misspelt field must not be silently ignored). */
export function onlyFields(obj: Readonly<Record<string, unknown>>, known: readonly string[], param: string): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw nodeRpcError('rpc/BAD_FIELD', `Invalid parameter '${param}': unknown field '${k}' (known: ${known.join(', ')})`, { param: `${param}.${k}` });
  }
}

/** An optional non-negative integer field. */
export function optionalHeight(obj: Readonly<Record<string, unknown>>, name: string, param: string): number | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (!Number.isSafeInteger(v)) return wrongType(`${param}.${name}`, 'integer', v);
  if ((v as number) < 0) return badValue(`${param}.${name}`, 'integer >= 0', v);
  return v as number;
}

/** An optional boolean field (default `dflt`). */
export function optionalBool(obj: Readonly<Record<string, unknown>>, name: string, param: string, dflt: boolean): boolean {
  const v = obj[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') return wrongType(`${param}.${name}`, 'boolean', v);
  return v;
}

/** A required non-negative integer field. */
export function requiredIndex(obj: Readonly<Record<string, unknown>>, name: string, param: string): number {
  const v = optionalHeight(obj, name, param);
  if (v === undefined) throw nodeRpcError('rpc/BAD_FIELD', `Missing required parameter '${param}.${name}'`, { param: `${param}.${name}` });
  return v;
}

/** An address of this chain as an index key: P2PKH / P2SH, or with `cc` the CC address of that string. -5 for a bad address. */
export function addressKeyOf(address: unknown, path: string, prefixes: ChainPrefixes, cc: boolean): AddressKey {
  if (typeof address !== 'string') return wrongType(path, 'address string', address);
  const d = decodeAddress(address, prefixes);
  if (!d.ok) throw rpcError('RPC_INVALID_ADDRESS_OR_KEY', 'rpc/BAD_ADDRESS', `Invalid address in '${path}': ${d.error.message}`, { param: path, address });
  if (cc) {
    if (d.value.kind !== 'pubkeyhash') badValue(path, 'a CC address (P2PKH form) with cc=true', address);
    return { kind: 'cc', hash: d.value.hash };
  }
  return { kind: d.value.kind, hash: d.value.hash };
}

/** The `addresses` of a query object (komodod also takes one address string as `addresses`), each with its index key. */
export function queryAddresses(query: Readonly<Record<string, unknown>>, param: string, prefixes: ChainPrefixes): { address: string; key: AddressKey }[] {
  const raw = query['addresses'];
  if (raw === undefined || raw === null) throw nodeRpcError('rpc/BAD_FIELD', `Missing required parameter '${param}.addresses'`, { param: `${param}.addresses` });
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list)) return wrongType(`${param}.addresses`, 'array of addresses', raw);
  if (list.length === 0) badValue(`${param}.addresses`, 'at least one address', raw);
  if (list.length > 1000) badValue(`${param}.addresses`, 'at most 1000 addresses', raw);
  const cc = optionalBool(query, 'cc', param, false);
  return list.map((a, i) => ({ address: String(a), key: addressKeyOf(a, `${param}.addresses[${i}]`, prefixes, cc) }));
}
