/**
 * Condition URIs (CC.md A8): `ni:///sha-256;<fingerprint>?fpt=<name>&cost=<n>[&subtypes=a,b]`.
 * Emitted in the official vectors' form (subtypes ASCII-sorted by name); parsed with the parameters
 * in any order and subtypes in name or type-id order. URIs are informational; binaries are canonical.
 */
import { base64Decode, base64UrlEncode } from './base64.ts';
import { checkCondition } from './derive.ts';
import { CCErrorCode, fail } from './errors.ts';
import { MAX_UINT32, type Limits } from './limits.ts';
import { maskNames } from './subtypes.ts';
import { typeById, typeByName, type Condition } from './types.ts';

const PREFIX = 'ni:///sha-256;';

/** The A8.1 URI of a valid condition. */
export function uriOf(c: Condition): string {
  const info = typeById(c.typeId)!;
  let s = `${PREFIX}${base64UrlEncode(c.fingerprint)}?fpt=${info.name}&cost=${c.cost}`;
  if (info.compound && c.subtypes !== 0) s += `&subtypes=${maskNames(c.subtypes).sort().join(',')}`;
  return s;
}

/** Parses an A8.2 URI into a condition, with the A10 bounds (root cost included). Fails with CCFail. */
export function readUri(s: string, lim: Limits): Condition {
  if (typeof s !== 'string') fail(CCErrorCode.URI, 'A8', 'a condition URI must be a string');
  if (!s.startsWith(PREFIX)) fail(CCErrorCode.URI, 'A8', `a condition URI starts with "${PREFIX}"`);
  const q = s.indexOf('?', PREFIX.length);
  if (q < 0) fail(CCErrorCode.URI, 'A8', 'missing "?" before the parameters');
  const fpText = s.slice(PREFIX.length, q);
  const fingerprint = fpText.length === 43 ? base64Decode(fpText, true) : undefined;
  if (fingerprint === undefined || fingerprint.length !== 32) {
    fail(CCErrorCode.URI, 'A8.2', 'the fingerprint is not 43 characters of canonical unpadded base64url (32 bytes)');
  }
  const params = new Map<string, string>();
  for (const part of s.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (eq < 0) fail(CCErrorCode.URI, 'A8.2', `parameter "${key}" has no value`);
    if (key !== 'fpt' && key !== 'cost' && key !== 'subtypes') fail(CCErrorCode.URI, 'A8.2', `unknown parameter "${key}"`);
    if (params.has(key)) fail(CCErrorCode.URI, 'A8.2', `duplicate parameter "${key}"`);
    params.set(key, part.slice(eq + 1));
  }
  const fpt = params.get('fpt');
  if (fpt === undefined) fail(CCErrorCode.URI, 'A8.2', 'missing fpt');
  const info = typeByName(fpt);
  if (info === undefined) fail(CCErrorCode.URI, 'A8.2', `unknown type name "${fpt}"`);
  const costText = params.get('cost');
  if (costText === undefined) fail(CCErrorCode.URI, 'A8.2', 'missing cost');
  if (!/^(0|[1-9][0-9]{0,9})$/.test(costText) || Number(costText) > MAX_UINT32) {
    fail(CCErrorCode.URI, 'A8.2', `cost "${costText}" is not a decimal 0..${MAX_UINT32} without leading zeros`);
  }
  const cost = Number(costText);
  let subtypes = 0;
  const st = params.get('subtypes');
  if (st !== undefined) {
    if (!info.compound) fail(CCErrorCode.URI, 'A8.2', `subtypes on simple type ${info.name}`);
    const names = st.split(',');
    const ids: number[] = [];
    for (const name of names) {
      const t = typeByName(name);
      if (t === undefined) fail(CCErrorCode.URI, 'A8.2', `unknown subtype name "${name}"`);
      if (subtypes & (1 << t.id)) fail(CCErrorCode.URI, 'A8.2', `duplicate subtype "${name}"`);
      subtypes |= 1 << t.id;
      ids.push(t.id);
    }
    const byName = names.every((n, i) => i === 0 || names[i - 1]! < n);
    const byId = ids.every((id, i) => i === 0 || ids[i - 1]! < id);
    if (!byName && !byId) fail(CCErrorCode.URI, 'A8.2', 'subtypes are neither in name order nor in type-id order');
  }
  const cond = checkCondition({ typeId: info.id, fingerprint, cost, subtypes }, lim);
  if (cond.cost > lim.maxRootCost) fail(CCErrorCode.LIMIT, 'A10', `root cost ${cond.cost} exceeds ${lim.maxRootCost}`);
  return cond;
}
