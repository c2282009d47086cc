import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base58Decode, base58Encode } from '../../src/crypto/base58.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { printTally, readVectorJson } from '../helpers/vectors.ts';

test('base58_encode_decode.json: every row encodes and decodes both ways', () => {
  const rows = readVectorJson<[string, string][]>('bitcoin/base58_encode_decode.json');
  assert.ok(rows.length > 0, 'vector file is empty');
  let passed = 0;
  const failures: string[] = [];
  for (const [hex, b58] of rows) {
    const enc = base58Encode(fromHex(hex));
    const dec = base58Decode(b58);
    if (enc === b58 && dec.ok && toHex(dec.value) === hex.toLowerCase()) passed++;
    else failures.push(`${hex} <-> ${b58}: encoded ${enc}, decoded ${dec.ok ? toHex(dec.value) : dec.error.code}`);
  }
  printTally('base58_encode_decode', passed, failures.length);
  assert.deepEqual(failures, []);
});
