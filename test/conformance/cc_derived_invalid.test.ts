/**
 * CC.md C.2: the 12 hand-made negatives (derived/standard-invalid.json). Each must meet its
 * `expected` outcome, with the reason mapped to our error code and the CC.md rule it breaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCondition, parseFulfillment, verify, verifyDetailed } from '../../src/cc/conditions/index.ts';
import { fromHex } from '../../src/util/bytes.ts';
import { printTally, readVectorJson } from '../helpers/vectors.ts';

interface Case {
  id: string;
  fulfillment?: string;
  conditionBinary: string;
  message?: string;
  expected: string;
}

/** The expected reason of each case as (code, rule); every case must be listed here. */
const REASONS: Record<string, { code: string; rule: string }> = {
  'ed25519-signature-bit-flipped': { code: 'CC_SIG', rule: 'A7' },
  'ed25519-wrong-message': { code: 'CC_SIG', rule: 'A7' },
  'prefix-message-longer-than-maxMessageLength': { code: 'CC_SIG', rule: 'A7' },
  'fulfillment-does-not-match-condition': { code: 'CC_MISMATCH', rule: 'A1.1' },
  'threshold-more-subfulfillments-than-threshold': { code: 'CC_MISMATCH', rule: 'A1.1' },
  'preimage-trailing-byte': { code: 'CC_PARSE', rule: 'A6.1' },
  'preimage-long-form-length': { code: 'CC_PARSE', rule: 'A6.2' },
  'preimage-indefinite-length': { code: 'CC_PARSE', rule: 'A6.2' },
  'threshold-subconditions-set-not-sorted': { code: 'CC_PARSE', rule: 'A6.6' },
  'condition-cost-non-minimal-integer': { code: 'CC_PARSE', rule: 'A6.4' },
  'condition-subtypes-bitstring-not-minimal': { code: 'CC_PARSE', rule: 'A6.5' },
  'condition-fingerprint-31-bytes': { code: 'CC_PARSE', rule: 'A6.7' },
};

test('derived negatives: 12/12 rejected with the expected reason', () => {
  const { cases } = readVectorJson<{ cases: Case[] }>('crypto-conditions/derived/standard-invalid.json');
  assert.equal(cases.length, 12);
  let passed = 0;
  let failed = 0;
  const bad: string[] = [];
  for (const c of cases) {
    const want = REASONS[c.id];
    assert.ok(want, `case ${c.id} has a mapped reason`);
    let got: { code: string; rule: string } | undefined;
    if (c.expected.startsWith('verify -> false')) {
      const r = verifyDetailed(fromHex(c.fulfillment!), fromHex(c.conditionBinary), fromHex(c.message ?? ''));
      got = r.ok ? undefined : r.error;
    } else if (c.expected.startsWith('parse -> reject')) {
      const F = fromHex(c.fulfillment!);
      const r = parseFulfillment(F);
      got = r.ok ? undefined : r.error;
      // and therefore verification fails with the same error
      assert.equal(verify(F, fromHex(c.conditionBinary), fromHex(c.message ?? '')), false);
    } else if (c.expected.startsWith('condition parse -> reject')) {
      const r = parseCondition(fromHex(c.conditionBinary));
      got = r.ok ? undefined : r.error;
    } else {
      assert.fail(`unrecognised expectation "${c.expected}" in ${c.id}`);
    }
    if (got !== undefined && got.code === want.code && got.rule === want.rule) passed++;
    else {
      failed++;
      bad.push(`${c.id}: got ${JSON.stringify(got)}`);
    }
  }
  printTally('cc_derived_invalid', passed, failed);
  assert.deepEqual(bad, []);
});
