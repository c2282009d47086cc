import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { NODE_RUNTIME_FLAGS, runtimeFlagsActive } from '../../src/node/runtimeFlags.ts';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

test('the cchost shebang, npm start and bench:chain (which plays a receiving node) pass every NODE_RUNTIME_FLAGS flag', () => {
  assert.ok(NODE_RUNTIME_FLAGS.length > 0);
  const shebang = read('bin/cchost.mjs').split('\n')[0]!;
  assert.match(shebang, /^#!\/usr\/bin\/env -S node /);
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  for (const f of NODE_RUNTIME_FLAGS) {
    assert.ok(shebang.split(' ').includes(f), `shebang lacks ${f}: ${shebang}`);
    for (const name of ['start', 'bench:chain']) assert.ok(scripts[name]!.split(' ').includes(f), `npm run ${name} lacks ${f}: ${scripts[name]}`);
  }
});

test('runtimeFlagsActive reads argv and NODE_OPTIONS', () => {
  assert.equal(runtimeFlagsActive([], ''), false);
  assert.equal(runtimeFlagsActive([...NODE_RUNTIME_FLAGS], ''), true);
  assert.equal(runtimeFlagsActive(['--import', 'tsx'], ` ${NODE_RUNTIME_FLAGS.join(' ')} `), true);
  assert.equal(runtimeFlagsActive(['--max-semi-space-size=8'], ''), false);
});
