import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/cchost.mjs', ...args], { encoding: 'utf8' });

test('cchost --help lists commands and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: cchost COMMAND/);
  assert.match(r.stdout, /version/);
});

test('error: unknown command exits 2 with a hint', () => {
  const r = run('frobnicate');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});
