/**
 * Markdown reference of every RPC method, generated from the method table (for docs/rpc.md), so the
 * docs cannot drift from what the node serves. Output is deterministic for a given table.
 */
import { RPC_CODES, RPC_ERRORS } from './errors.ts';
import { cliExample, usageLine } from './help.ts';
import { stringifyJson } from './json.ts';
import type { AnyMethod, ParamSpec } from './method.ts';
import { expectedText, isRequired } from './params.ts';
import { restRoutes } from './table.ts';
import type { MethodTable } from './table.ts';

/** Options of `renderRpcMarkdown`. */
export interface RpcDocsOptions {
  readonly title?: string;
  /** Text placed after the title (e.g. how to connect to this node). */
  readonly intro?: string;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

function groupsOf(table: MethodTable): Map<string, AnyMethod[]> {
  const groups = new Map<string, AnyMethod[]>();
  const add = (g: string, m: AnyMethod) => groups.set(g, [...(groups.get(g) ?? []), m]);
  for (const m of table.methods) if (m.module === undefined) add(m.category ?? 'Other', m);
  for (const m of table.methods) if (m.module !== undefined) add(`Module: ${m.module}`, m);
  for (const ms of groups.values()) ms.sort((a, b) => a.name.localeCompare(b.name));
  return groups;
}

function paramRow(p: ParamSpec, i: number | undefined): string {
  const req = p.namedOnly === true ? 'named only' : isRequired(p) ? 'yes' : 'no';
  const def = p.default !== undefined ? `\`${stringifyJson(p.default)}\`` : '';
  return `| ${i ?? '-'} | \`${p.name}\` | ${cell(expectedText(p))} | ${req} | ${def} | ${cell(p.description)} |`;
}

function methodSection(m: AnyMethod): string[] {
  const out = [`### ${m.name}`, '', m.summary, '', '```', usageLine(m), '```'];
  if (m.description !== undefined) out.push('', m.description);
  if (m.params.length > 0) {
    out.push('', '| # | name | type | required | default | description |', '|---|---|---|---|---|---|');
    let i = 0;
    for (const p of m.params) out.push(paramRow(p, p.namedOnly === true ? undefined : ++i));
  } else {
    out.push('', 'No parameters.');
  }
  out.push('', `**Result:** ${m.result.description}`);
  if (m.result.schema !== undefined) out.push('', '```json', stringifyJson(m.result.schema, 2), '```');
  if (m.errors !== undefined && m.errors.length > 0) {
    out.push('', '| error | `data.code` | when |', '|---|---|---|');
    for (const e of m.errors) out.push(`| ${RPC_ERRORS[e.rpc].code} | \`${e.code}\` | ${cell(e.description)} |`);
  }
  const routes = restRoutes(m);
  if (routes.length > 0) out.push('', `**REST:** ${routes.map((r) => `\`${r.method} ${r.path}\``).join(', ')}`);
  if (m.example !== undefined) {
    out.push('', '**Example:**', '', '```sh', cliExample(m, m.example.params), '```');
    out.push('', '```json', stringifyJson({ jsonrpc: '2.0', id: 1, method: m.name, params: m.example.params }), '```');
    out.push('', '```json', stringifyJson({ jsonrpc: '2.0', result: m.example.result, id: 1 }, 2), '```');
  }
  out.push('');
  return out;
}

function errorsSection(): string[] {
  const out = ['## Error codes', '', 'Every error is a JSON-RPC error (never an error inside a successful result).', ''];
  out.push('| code | name | REST status | meaning |', '|---|---|---|---|');
  for (const [name, e] of Object.entries(RPC_ERRORS)) out.push(`| ${e.code} | \`${name}\` | ${e.http} | ${cell(e.description)} |`);
  out.push('', 'String codes of the RPC layer itself (`error.data.code`):', '', '| `data.code` | numeric |', '|---|---|');
  for (const [code, name] of Object.entries(RPC_CODES)) out.push(`| \`${code}\` | ${RPC_ERRORS[name].code} |`);
  out.push('');
  return out;
}

/** The markdown reference of a table. Example: `writeFileSync('docs/rpc.md', renderRpcMarkdown(table))`. */
export function renderRpcMarkdown(table: MethodTable, opts: RpcDocsOptions = {}): string {
  const groups = groupsOf(table);
  const out = [
    `# ${opts.title ?? 'cchost RPC reference'}`,
    '',
    '<!-- Generated from the RPC method table by renderRpcMarkdown (src/rpc/docs.ts). Do not edit by hand. -->',
    '',
  ];
  if (opts.intro !== undefined) out.push(opts.intro, '');
  out.push(
    'JSON-RPC is served at `POST /` (bitcoind-compatible 1.0 replies, strict 2.0 replies when the request says',
    '`"jsonrpc": "2.0"`, batches, positional or named params). Authenticate with HTTP Basic: the cookie in',
    '`<datadir>/.cookie`, or rpcuser/rpcpassword. Errors carry bitcoind numeric codes with the stable string',
    'code in `error.data.code`. Amounts in `*_sat` fields are digit strings on output.',
    '',
    '## Contents',
    '',
  );
  for (const [g, ms] of groups) out.push(`- **${g}**: ${ms.map((m) => `[${m.name}](#${slug(m.name)})`).join(', ')}`);
  out.push('');
  for (const [g, ms] of groups) {
    out.push(`## ${g}`, '');
    for (const m of ms) out.push(...methodSection(m));
  }
  out.push(...errorsSection());
  return out.join('\n');
}
