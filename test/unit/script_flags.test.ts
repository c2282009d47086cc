import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLOCK_SCRIPT_VERIFY_FLAGS,
  MANDATORY_SCRIPT_VERIFY_FLAGS,
  STANDARD_SCRIPT_VERIFY_FLAGS,
  SCRIPT_VERIFY_CRYPTOCONDITIONS,
  formatScriptFlags,
} from '../../src/script/flags.ts';

test('block flags: Core mandatory plus STRICTENC, LOW_S, NULLFAIL, and a subset of the standard flags', () => {
  assert.equal(BLOCK_SCRIPT_VERIFY_FLAGS & MANDATORY_SCRIPT_VERIFY_FLAGS, MANDATORY_SCRIPT_VERIFY_FLAGS);
  assert.equal(BLOCK_SCRIPT_VERIFY_FLAGS & ~STANDARD_SCRIPT_VERIFY_FLAGS, 0, 'mempool flags must imply block flags');
  const names = formatScriptFlags(BLOCK_SCRIPT_VERIFY_FLAGS & ~MANDATORY_SCRIPT_VERIFY_FLAGS).split(',').sort();
  assert.deepEqual(names, ['LOW_S', 'NULLFAIL', 'STRICTENC']);
  assert.equal(BLOCK_SCRIPT_VERIFY_FLAGS & SCRIPT_VERIFY_CRYPTOCONDITIONS, 0, 'the CC flag is added per height');
});
