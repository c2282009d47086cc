import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('docs/rpc.md is the rendering of the current method table (run `npm run docs:rpc` after changing a method)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-rpc-docs.ts', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
