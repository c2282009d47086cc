#!/usr/bin/env node
// Runs the test suite with node's built-in runner (through tsx for TypeScript).
// Usage: node scripts/run-tests.mjs [dir-or-file ...]   (default: test/ and modules/)
// Extra flags after `--` go to node --test (e.g. -- --test-name-pattern=sighash).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const roots = (dash === -1 ? argv : argv.slice(0, dash));
const extra = dash === -1 ? [] : argv.slice(dash + 1);
const targets = roots.length > 0 ? roots : ['test', 'modules'];

/** @param {string} p @param {string[]} out */
function collect(p, out) {
  if (!existsSync(p)) return;
  const st = statSync(p);
  if (st.isFile()) { if (p.endsWith('.test.ts')) out.push(p); return; }
  for (const name of readdirSync(p).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    collect(join(p, name), out);
  }
}

const files = [];
for (const t of targets) collect(t, files);
if (files.length === 0) {
  console.error(`run-tests: no *.test.ts files under ${targets.join(', ')}`);
  process.exit(1);
}
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files.map((f) => relative('.', f))];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
