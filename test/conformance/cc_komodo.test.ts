/**
 * CC.md C.3, library level: komodo/komodo-vectors.json groups `valid`, `invalid`, `parseDivergences`,
 * `komodoGlobalCC` (condition, URI), `sizeFacts` (fulfillment size). The host-level parts (the docs
 * transaction's sighash and B4 path, scriptPubKeys, CC/normal addresses, `policy`, the scriptSig size)
 * belong to the CC host tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conditionFromUri,
  conditionToUri,
  deriveCondition,
  encodeCondition,
  encodeFulfillment,
  fingerprintContents,
  fromJSON,
  maskNames,
  parseCondition,
  parseFulfillment,
  signSecp256k1,
  toJSON,
  typeMask,
  verifyDetailed,
  type CCNode,
  type EvalCallback,
} from '../../src/cc/conditions/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { equalBytes, fromHex, toHex, utf8 } from '../../src/util/bytes.ts';
import { printTally, readVectorJson } from '../helpers/vectors.ts';

interface KValid {
  id: string;
  json: unknown;
  jsonUnsigned?: unknown;
  cost: number;
  subtypes: string[];
  fingerprintContents: string;
  fulfillment: string | null;
  conditionBinary: string;
  conditionUri: string;
  message: string | null;
  secp256k1Msg32?: string;
  privateKey?: string;
  globalPrivateKey?: string;
  evalCallback?: { code: string; mustReturn: boolean };
  komodoMasterConditionBinary?: string;
  fingerprintContentsLength?: number;
}
interface KInvalid {
  id: string;
  json?: unknown;
  fulfillment?: string;
  fulfillments?: string[];
  conditionBinaries?: string[];
  conditionBinary?: string;
  conditionUri?: string;
  message?: string;
  secp256k1Msg32?: string;
  evalCallback?: { code: string; mustReturn: boolean };
  expected: string;
}
interface KFile {
  valid: KValid[];
  invalid: KInvalid[];
  parseDivergences: { id: string; fulfillment?: string; conditionBinary?: string; conditionBinaryBase64url?: string; specStrict: string }[];
  komodoGlobalCC: { evalName: string; evalCode: string; globalPubkey: string; json: unknown; conditionBinary: string; conditionUri: string }[];
  sizeFacts: { id: string; fulfillmentLength: number; scriptSigLength: number }[];
}

const K = readVectorJson<KFile>('crypto-conditions/komodo/komodo-vectors.json');
const HEX = (b: Uint8Array): string => toHex(b).toUpperCase();
const RELAXED = { limits: { maxContents: 1 << 16, maxRootCost: 0xffffffff } };

/**
 * The C library's test stub (A7): code "TEST" ‖ b returns b == 1; any other code returns the
 * vector's stated verdict for exactly that code, and false otherwise.
 */
function stub(v: { evalCallback?: { code: string; mustReturn: boolean } }): EvalCallback {
  const TEST = utf8('TEST');
  return (code) => {
    if (code.length === 5 && equalBytes(code.subarray(0, 4), TEST)) return code[4] === 1;
    return v.evalCallback !== undefined && HEX(code) === v.evalCallback.code && v.evalCallback.mustReturn;
  };
}

function messageOf(v: { secp256k1Msg32?: string; message?: string | null }): Uint8Array {
  return v.secp256k1Msg32 !== undefined ? fromHex(v.secp256k1Msg32) : fromHex(v.message ?? '');
}

test('komodo valid: 7/7 parse, re-encode, condition, contents, cost, subtypes, URI, JSON, verify, re-sign', () => {
  assert.equal(K.valid.length, 7);
  let passed = 0;
  let failed = 0;
  const bad: string[] = [];
  for (const v of K.valid) {
    const problems: string[] = [];
    const want = (name: string, cond: boolean): void => {
      if (!cond) problems.push(name);
    };
    const C = fromHex(v.conditionBinary);
    const opts = v.fulfillment === null ? RELAXED : undefined;
    const jt = fromJSON(v.json, opts);
    want('json builds', jt.ok);
    if (!jt.ok) {
      bad.push(`${v.id}: ${jt.error.message}`);
      failed++;
      continue;
    }
    const dj = deriveCondition(jt.value, opts);
    want('condition from json', dj.ok && equalBytes(encodeCondition(dj.value), C));
    want('cost', dj.ok && dj.value.cost === v.cost);
    want('subtypes (type-id order)', dj.ok && JSON.stringify(maskNames(dj.value.subtypes)) === JSON.stringify(v.subtypes));
    const fc = fingerprintContents(jt.value, opts);
    want('fingerprint contents', fc.ok && HEX(fc.value) === v.fingerprintContents);
    // URI: Komodo's id-ordered form parses to the same binary; ours is the name-ordered one of A8.1
    const pu = conditionFromUri(v.conditionUri, opts);
    want('komodo URI -> binary', pu.ok && equalBytes(encodeCondition(pu.value), C));
    const ours = dj.ok ? conditionToUri(dj.value) : '';
    const back = conditionFromUri(ours, opts);
    want('our URI -> binary', back.ok && equalBytes(encodeCondition(back.value), C));
    want('URIs agree once normalised', normaliseUri(ours) === normaliseUri(v.conditionUri));
    const pc = parseCondition(C, opts);
    want('condition binary parses', pc.ok && conditionToUri(pc.value) === ours);

    if (v.fulfillment !== null) {
      const F = fromHex(v.fulfillment);
      const pf = parseFulfillment(F);
      want('fulfillment parses', pf.ok);
      if (pf.ok) {
        const re = encodeFulfillment(pf.value);
        want('fulfillment re-encodes', re.ok && equalBytes(re.value, F));
        const dp = deriveCondition(pf.value);
        want('condition from fulfillment', dp.ok && equalBytes(encodeCondition(dp.value), C));
        // JSON via bytes (A9.3): our output of the parsed tree reads back to the same fulfillment
        const rt = fromJSON(JSON.parse(JSON.stringify(toJSON(pf.value))));
        const rte = rt.ok ? encodeFulfillment(rt.value) : rt;
        want('toJSON -> fromJSON -> bytes', rte.ok && equalBytes(rte.value, F));
      }
      const fj = encodeFulfillment(jt.value);
      want('json -> fulfillment bytes', fj.ok && equalBytes(fj.value, F));
      const vr = verifyDetailed(F, C, messageOf(v), { evalCallback: stub(v) });
      want(`verify (${vr.ok ? 'ok' : vr.error.message})`, vr.ok);
      const key = v.privateKey ?? v.globalPrivateKey;
      if (key !== undefined) {
        const unsigned = fromJSON(v.jsonUnsigned);
        want('unsigned json builds', unsigned.ok);
        if (unsigned.ok) {
          want('unsigned tree cannot be encoded', !encodeFulfillment(unsigned.value).ok);
          const n = signSecp256k1(unsigned.value, fromHex(key), fromHex(v.secp256k1Msg32!));
          want('one node signed', n === 1);
          const signed = encodeFulfillment(unsigned.value);
          want('RFC 6979 re-sign is byte-identical', signed.ok && equalBytes(signed.value, F));
        }
      }
    } else {
      // the 251-child condition: correct binary under relaxed limits, never Komodo's zero fingerprint,
      // CC_LIMIT under the consensus defaults whichever way it is read
      want('not komodo master binary', v.conditionBinary !== v.komodoMasterConditionBinary);
      want('contents length', fc.ok && fc.value.length === v.fingerprintContentsLength);
      const limited = [fromJSON(v.json), parseCondition(C), conditionFromUri(v.conditionUri)];
      want('CC_LIMIT under defaults', limited.every((r) => !r.ok && r.error.code === 'CC_LIMIT'));
    }
    if (problems.length === 0) passed++;
    else {
      failed++;
      bad.push(`${v.id}: ${problems.join('; ')}`);
    }
  }
  printTally('cc_komodo_valid', passed, failed);
  assert.deepEqual(bad, []);
});

/** A URI with its parameters and subtype names sorted, to compare forms that differ only in order. */
function normaliseUri(u: string): string {
  const [head, query] = u.split('?') as [string, string];
  const params = query.split('&').map((p) => {
    const [k, val] = p.split('=') as [string, string];
    return k === 'subtypes' ? `${k}=${val.split(',').sort().join(',')}` : p;
  });
  return `${head}?${params.sort().join('&')}`;
}

test('komodo invalid: 6 entries (9 inputs) rejected as stated', () => {
  assert.equal(K.invalid.length, 6);
  const expectations: Record<string, { code: string; rule?: string }> = {
    'komodo-test-non-canonical-secp256k1-high-s': { code: 'CC_SIG', rule: 'A7' },
    'komodo-test-malleability-noncanonical-set-order': { code: 'CC_PARSE', rule: 'A6.6' },
    'komodo-test-unknown-type-fulfillment': { code: 'CC_PARSE', rule: 'A6.3' },
    'komodo-test-empty-and-nul-fulfillment': { code: 'CC_PARSE' },
    'komodo-test-unknown-type-condition': { code: 'CC_PARSE' },
    'eval-callback-false': { code: 'CC_EVAL_REJECTED', rule: 'A1.1' },
  };
  let passed = 0;
  let failed = 0;
  const bad: string[] = [];
  const judge = (id: string, r: { ok: boolean; error?: { code: string; rule: string } }): void => {
    const want = expectations[id]!;
    if (!r.ok && r.error!.code === want.code && (want.rule === undefined || r.error!.rule === want.rule)) passed++;
    else {
      failed++;
      bad.push(`${id}: ${JSON.stringify(r)}`);
    }
  };
  for (const v of K.invalid) {
    assert.ok(expectations[v.id], `entry ${v.id} has an expectation`);
    if (v.conditionBinaries !== undefined) {
      for (const c of v.conditionBinaries) judge(v.id, parseCondition(fromHex(c)));
    } else if (v.fulfillments !== undefined) {
      for (const f of v.fulfillments) judge(v.id, parseFulfillment(fromHex(f)));
    } else if (v.expected.startsWith('verify')) {
      const F = fromHex(v.fulfillment!);
      const C = fromHex(v.conditionBinary!);
      // encoding and condition are fine; only the signature check or the eval verdict fails
      const pf = parseFulfillment(F);
      assert.ok(pf.ok);
      const d = deriveCondition(pf.value);
      assert.ok(d.ok && equalBytes(encodeCondition(d.value), C));
      if (v.conditionUri !== undefined) assert.equal(conditionToUri(d.value), v.conditionUri);
      if (v.json !== undefined) {
        const j = fromJSON(v.json);
        const e = j.ok ? encodeFulfillment(j.value) : j;
        assert.ok(e.ok && equalBytes(e.value, F));
      }
      judge(v.id, verifyDetailed(F, C, messageOf(v), { evalCallback: stub(v) }));
    } else {
      judge(v.id, parseFulfillment(fromHex(v.fulfillment!)));
    }
  }
  printTally('cc_komodo_invalid', passed, failed);
  assert.equal(passed, 9);
  assert.deepEqual(bad, []);
});

test('komodo parse divergences: empty ed25519 signature and 1-byte fingerprint rejected, preimage condition accepted', () => {
  let passed = 0;
  let failed = 0;
  for (const d of K.parseDivergences) {
    const r = d.fulfillment !== undefined ? parseFulfillment(fromHex(d.fulfillment)) : parseCondition(fromHex(d.conditionBinary!));
    const shouldParse = d.specStrict.startsWith('parses');
    let ok = r.ok === shouldParse;
    if (!r.ok) ok &&= r.error.code === 'CC_PARSE' && r.error.rule === 'A6.7';
    if (r.ok && d.conditionBinaryBase64url !== undefined) {
      ok &&= Buffer.from(d.conditionBinaryBase64url, 'base64url').toString('hex').toUpperCase() === d.conditionBinary;
      ok &&= 'cost' in r.value && r.value.cost === 1 && r.value.typeId === 0;
    }
    if (ok) passed++;
    else failed++;
  }
  printTally('cc_komodo_divergences', passed, failed);
  assert.deepEqual([passed, failed], [3, 0]);
});

test('komodo global CC conditions: 12/12 JSON -> condition binary and URI (library part)', () => {
  assert.equal(K.komodoGlobalCC.length, 12);
  let passed = 0;
  let failed = 0;
  for (const g of K.komodoGlobalCC) {
    const t = fromJSON(g.json);
    const d = t.ok ? deriveCondition(t.value) : t;
    const C = fromHex(g.conditionBinary);
    const u = conditionFromUri(g.conditionUri);
    const ok =
      t.ok &&
      d.ok &&
      equalBytes(encodeCondition(d.value), C) &&
      u.ok &&
      equalBytes(encodeCondition(u.value), C) &&
      normaliseUri(conditionToUri(d.value)) === normaliseUri(g.conditionUri) &&
      d.value.cost === 1182720 &&
      typeMask(t.value) === 0x8024 &&
      isCC1of1(t.value, fromHex(g.evalCode), fromHex(g.globalPubkey));
    if (ok) passed++;
    else failed++;
  }
  printTally('cc_komodo_global', passed, failed);
  assert.equal(failed, 0);
});

/** MakeCCcond1 shape: threshold 2 of {eval(code), threshold 1 of {secp256k1(pk)}}. */
function isCC1of1(n: CCNode, code: Uint8Array, pk: Uint8Array): boolean {
  if (n.type !== 'threshold' || n.threshold !== 2 || n.children.length !== 2) return false;
  const [e, inner] = n.children as [CCNode, CCNode];
  return (
    e.type === 'eval' &&
    equalBytes(e.code, code) &&
    inner.type === 'threshold' &&
    inner.threshold === 1 &&
    inner.children.length === 1 &&
    inner.children[0]!.type === 'secp256k1' &&
    equalBytes(inner.children[0]!.publicKey, pk)
  );
}

test('komodo size fact: 16-of-18 signed secp256k1 tree is a 1740-byte fulfillment with 2 anonymous conditions', () => {
  const fact = K.sizeFacts[0]!;
  const key = sha256(utf8('cchost cc size-fact test key'));
  const msg = sha256(utf8('message'));
  const pub = HEX(publicKeyFromPrivate(key));
  const node = { type: 'secp256k1-sha-256', publicKey: pub };
  const tree = fromJSON({ type: 'threshold-sha-256', threshold: 16, subfulfillments: Array.from({ length: 18 }, () => node) });
  assert.ok(tree.ok);
  assert.equal(signSecp256k1(tree.value, key, msg), 18, 'every matching node is signed');
  const F = encodeFulfillment(tree.value);
  assert.ok(F.ok);
  const p = parseFulfillment(F.value);
  assert.ok(p.ok && p.value.type === 'threshold');
  const kinds = p.value.children.map((c) => c.type);
  const ok =
    F.value.length === fact.fulfillmentLength &&
    kinds.filter((k) => k === 'secp256k1').length === 16 &&
    kinds.filter((k) => k === 'anon').length === 2;
  printTally('cc_komodo_size', ok ? 1 : 0, ok ? 0 : 1);
  assert.ok(ok, `fulfillment is ${F.value.length} bytes`);
  const d = deriveCondition(tree.value);
  assert.ok(d.ok && d.value.cost === 16 * 131072 + 18 * 1024);
  assert.ok(verifyDetailed(F.value, encodeCondition(d.value), msg).ok);
});
