/**
 * Bitcoin Core's sighash.json against the project's legacy sighash (raw bytes, no bitcoinjs
 * hashForSignature): all 500 rows, byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printTally, readVectorJson } from '../helpers/vectors.ts';
import { fromHex, reverseBytes, toHex } from '../../src/util/bytes.ts';
import { parseTransaction } from '../../src/chain/transaction.ts';
import { legacySighash } from '../../src/script/sighash.ts';

test('sighash.json: every row gives Core’s digest', () => {
  const rows = readVectorJson<unknown[][]>('bitcoin/sighash.json');
  let passed = 0;
  const failures: string[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.length === 1) continue; // header comment
    const [rawTx, script, inputIndex, hashType, expected] = row as [string, string, number, number, string];
    const parsed = parseTransaction(fromHex(rawTx));
    if (!parsed.ok) {
      failures.push(`row ${i}: transaction does not parse: ${parsed.error.code} ${parsed.error.message}`);
      continue;
    }
    const digest = legacySighash(parsed.value, inputIndex, fromHex(script), hashType);
    // The file prints the digest reversed (uint256 display order).
    const got = toHex(reverseBytes(digest));
    if (got === expected) passed++;
    else failures.push(`row ${i}: expected ${expected}, got ${got}`);
  }
  printTally('sighash', passed, failures.length);
  assert.deepEqual(failures.slice(0, 10), []);
  assert.equal(passed, 500);
});
