/** Condition URIs (CC.md A8): the emitted form and every parse rule of A8.2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conditionFromUri,
  conditionToUri,
  deriveCondition,
  encodeCondition,
  fromJSON,
} from '../../src/cc/conditions/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { unwrap } from '../../src/util/errors.ts';

const FP = '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU';
const PRE = `ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=0`;
const THR = 'ni:///sha-256;tLhBNt9Ipx1z9JhcBMZ2eneOy2W6cCO0UGgjvu52Mbk?fpt=threshold-sha-256&cost=1024&subtypes=preimage-sha-256';

function rejects(uri: unknown, code = 'CC_URI', rule = 'A8.2'): void {
  const r = conditionFromUri(uri as string);
  assert.ok(!r.ok, `accepted ${String(uri)}`);
  assert.equal(r.error.code, code, r.error.message);
  assert.equal(r.error.rule, rule, r.error.message);
}

test('A8.1: emits fpt, cost, then name-sorted subtypes; round-trips', () => {
  const c = unwrap(conditionFromUri(PRE));
  assert.equal(toHex(c.fingerprint).toUpperCase(), 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855');
  assert.equal(conditionToUri(c), PRE);
  assert.equal(conditionToUri(unwrap(conditionFromUri(THR))), THR);
});

test('A8.3: the Assets 1-of-1 URI lists eval-sha-256 before secp256k1-sha-256; Komodo order parses to the same binary', () => {
  const t = unwrap(
    fromJSON({
      type: 'threshold-sha-256',
      threshold: 2,
      subfulfillments: [
        { type: 'eval-sha-256', code: '4w' },
        { type: 'threshold-sha-256', threshold: 1, subfulfillments: [{ type: 'secp256k1-sha-256', publicKey: '02ADF84E0E075CF90868BD4E3D34A03420E034719649C41F371FC70D8E33AA2702' }] },
      ],
    }),
  );
  const c = unwrap(deriveCondition(t));
  const ours = conditionToUri(c);
  assert.ok(ours.endsWith('&subtypes=eval-sha-256,secp256k1-sha-256'));
  const komodo = ours.replace('eval-sha-256,secp256k1-sha-256', 'secp256k1-sha-256,eval-sha-256');
  assert.deepEqual(encodeCondition(unwrap(conditionFromUri(komodo))), encodeCondition(c));
});

test('A8.2: parameters in any order', () => {
  const base = unwrap(conditionFromUri(THR));
  for (const q of [
    'cost=1024&fpt=threshold-sha-256&subtypes=preimage-sha-256',
    'subtypes=preimage-sha-256&cost=1024&fpt=threshold-sha-256',
    'fpt=threshold-sha-256&subtypes=preimage-sha-256&cost=1024',
  ]) {
    const c = unwrap(conditionFromUri(`${THR.split('?')[0]}?${q}`));
    assert.deepEqual(encodeCondition(c), encodeCondition(base));
  }
});

test('A8.2: rejects duplicate, unknown, missing and malformed parameters', () => {
  rejects(`${PRE}&cost=0`);
  rejects(`${PRE}&fpt=preimage-sha-256`);
  rejects(`${PRE}&foo=1`);
  rejects(`${PRE}&`);
  rejects(`${PRE}&cost`);
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256`);
  rejects(`ni:///sha-256;${FP}?cost=0`);
  rejects(`ni:///sha-256;${FP}?fpt=sha-256&cost=0`);
  rejects(`ni:///sha-256;${FP}?fpt=PREIMAGE-SHA-256&cost=0`);
  rejects(`ni:///sha-256;${FP}`, 'CC_URI', 'A8');
  rejects(`ni:///sha-512;${FP}?fpt=preimage-sha-256&cost=0`, 'CC_URI', 'A8');
  rejects(`NI:///sha-256;${FP}?fpt=preimage-sha-256&cost=0`, 'CC_URI', 'A8');
  rejects(42, 'CC_URI', 'A8');
});

test('A8.2: cost is decimal without leading zeros, 0..2^32-1', () => {
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=00`);
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=01`);
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=-1`);
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=+1`);
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=1e3`);
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=4294967296`);
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=`);
  const max = conditionFromUri(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=4294967295`, { limits: { maxRootCost: 0xffffffff } });
  assert.ok(max.ok && max.value.cost === 0xffffffff);
  // the root-cost bound of A10 applies as for binaries
  rejects(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=8388609`, 'CC_LIMIT', 'A10');
  assert.ok(conditionFromUri(`ni:///sha-256;${FP}?fpt=preimage-sha-256&cost=8388608`).ok);
});

test('A8.2: the fingerprint decodes canonically to 32 bytes', () => {
  const q = '?fpt=preimage-sha-256&cost=0';
  rejects(`ni:///sha-256;${FP.slice(0, 42)}${q}`);
  rejects(`ni:///sha-256;${FP}A${q}`);
  rejects(`ni:///sha-256;${FP}=${q}`);
  rejects(`ni:///sha-256;${FP.slice(0, 42)}V${q}`); // 'V' leaves non-zero bits after the 32nd byte
  rejects(`ni:///sha-256;${FP.replace('-', '+')}${q}`); // standard alphabet is not base64url
  rejects(`ni:///sha-256;${FP.replace('Q', '.')}${q}`);
});

test('A8.2: subtypes by name or by id order, no duplicates or unknown names, not on simple types', () => {
  const head = 'ni:///sha-256;tLhBNt9Ipx1z9JhcBMZ2eneOy2W6cCO0UGgjvu52Mbk?fpt=threshold-sha-256&cost=1024&subtypes=';
  assert.ok(conditionFromUri(`${head}ed25519-sha-256,prefix-sha-256,preimage-sha-256`).ok); // by name
  assert.ok(conditionFromUri(`${head}preimage-sha-256,prefix-sha-256,ed25519-sha-256`).ok); // by id
  rejects(`${head}prefix-sha-256,ed25519-sha-256,preimage-sha-256`); // neither
  rejects(`${head}preimage-sha-256,preimage-sha-256`);
  rejects(`${head}preimage-sha-256,sha-256`);
  rejects(`${head}`);
  rejects(`${head}preimage-sha-256,`);
  rejects(`${PRE}&subtypes=preimage-sha-256`);
  // a compound type without the parameter has the empty mask
  const empty = unwrap(conditionFromUri(head.replace('&subtypes=', '')));
  assert.equal(empty.subtypes, 0);
  assert.ok(toHex(encodeCondition(empty)).endsWith('82020700'));
});
