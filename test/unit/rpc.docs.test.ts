import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRpcMarkdown } from '../../src/rpc/docs.ts';
import { RPC_CODES, RPC_ERRORS } from '../../src/rpc/errors.ts';
import { toyTable } from './rpc.toy.ts';

const table = toyTable();
const md = renderRpcMarkdown(table, { title: 'Toy RPC' });

/** The section of one method: from its heading to the next heading of the same or higher level. */
function section(name: string): string {
  const start = md.indexOf(`\n### ${name}\n`);
  assert.ok(start >= 0, `section for ${name}`);
  const rest = md.slice(start + 1);
  const end = rest.slice(4).search(/\n#{2,3} /);
  return end === -1 ? rest : rest.slice(0, end + 4);
}

test('default: every method of the table has a section and a contents link', () => {
  assert.ok(md.startsWith('# Toy RPC\n'));
  for (const m of table.methods) {
    assert.ok(section(m.name).includes(m.summary), m.name);
    assert.ok(md.includes(`[${m.name}](#${m.name})`), `contents link for ${m.name}`);
  }
});

test('behavior: a section shows usage, one row per param with type, requirement and default', () => {
  const s = section('getinfo');
  assert.match(s, /```\ngetinfo \( verbosity "mode" \)\n```/);
  assert.match(s, /\| 1 \| `verbosity` \| integer 0\.\.2 \| no \| `1` \| 0, 1 or 2 \|/);
  assert.match(s, /\| 2 \| `mode` \| one of 'fast', 'full' \| no \| {2}\| fast or full \|/);
  assert.match(s, /\*\*REST:\*\* `GET \/v1\/chain\/info`/);
  const toy = section('toyscreate');
  assert.match(toy, /\| - \| `broadcast` \| boolean \| named only \| `false` \|/);
  assert.match(toy, /\| -5 \| `toys\/NOT_FOUND` \| no toy by that name \|/);
  assert.match(toy, /`POST \/v1\/modules\/toys\/toyscreate`/);
  assert.match(toy, /cchost rpc toyscreate ball '"10000"' '\{"broadcast":true\}'/);
});

test('default: the error-code appendix lists every numeric error and every rpc/ code', () => {
  const appendix = md.slice(md.indexOf('## Error codes'));
  for (const [name, e] of Object.entries(RPC_ERRORS)) assert.ok(appendix.includes(`| ${e.code} | \`${name}\` | ${e.http} |`), name);
  for (const code of Object.keys(RPC_CODES)) assert.ok(appendix.includes(`| \`${code}\` |`), code);
});

test('behavior: the output is deterministic for a table', () => {
  assert.equal(renderRpcMarkdown(toyTable(), { title: 'Toy RPC' }), md);
});
