/**
 * `help` and `help METHOD`, generated from the method table in bitcoind's layout: a usage line, the
 * description, Arguments, Result, Errors and Examples (the `cchost rpc` and curl forms).
 */
import { RPC_ERRORS, rpcError } from './errors.ts';
import { stringifyJson } from './json.ts';
import { defineMethod } from './method.ts';
import type { AnyMethod, ParamSpec } from './method.ts';
import { isRequired, positionalParams } from './params.ts';
import type { MethodTable } from './table.ts';

/** The bitcoind-style type label of a parameter, e.g. `numeric` or `string, hex`. */
export function typeLabel(s: ParamSpec): string {
  switch (s.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'json object';
    case 'array':
      return 'json array';
    case 'hex':
      return s.bytes !== undefined ? `string, hex, ${s.bytes} bytes` : 'string, hex';
    case 'amount':
      return 'numeric or string, coins';
    case 'sats':
      return 'numeric or string, satoshis';
    case 'address':
      return s.allowPubkey === true ? 'string, address or pubkey' : 'string, address';
  }
}

function usageArg(s: ParamSpec): string {
  return s.type === 'string' || s.type === 'hex' || s.type === 'address' ? `"${s.name}"` : s.name;
}

/** The usage line: `getblock "blockhash" ( verbosity )`; named-only params as `( {"from":...} )`. */
export function usageLine(m: AnyMethod): string {
  const parts = [m.name];
  const positional = positionalParams(m);
  const required = positional.filter(isRequired);
  const optional = positional.filter((p) => !isRequired(p));
  parts.push(...required.map(usageArg));
  if (optional.length > 0) parts.push(`( ${optional.map(usageArg).join(' ')} )`);
  const named = m.params.filter((p) => p.namedOnly === true);
  if (named.length > 0) parts.push(`( {${named.map((p) => `"${p.name}":...`).join(',')}} )`);
  return parts.join(' ');
}

/** One shell word for a param value in a `cchost rpc` example: plain strings bare, JSON single-quoted. */
export function cliArg(v: unknown): string {
  if (typeof v === 'string') {
    const json = parsesAsJson(v);
    if (!json && /^[A-Za-z0-9_.:/-]+$/.test(v)) return v;
    return shellQuote(json ? JSON.stringify(v) : v);
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return shellQuote(stringifyJson(v));
}

function parsesAsJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

function shellQuote(w: string): string {
  return `'${w.replace(/'/g, "'\\''")}'`;
}

/** The `cchost rpc ...` command line of an example (`-named` when the example uses named params). */
export function cliExample(m: AnyMethod, params: readonly unknown[] | Readonly<Record<string, unknown>>): string {
  if (Array.isArray(params)) return ['cchost rpc', m.name, ...params.map(cliArg)].join(' ');
  const pairs = Object.entries(params).map(([k, v]) => `${k}=${cliArg(v)}`);
  return ['cchost rpc -named', m.name, ...pairs].join(' ');
}

/** The curl form of an example against `url` (default `http://127.0.0.1:RPCPORT/`). */
export function curlExample(m: AnyMethod, params: unknown, url = 'http://127.0.0.1:RPCPORT/'): string {
  const body = stringifyJson({ jsonrpc: '2.0', id: 'curltest', method: m.name, params });
  return `curl --user "$(cat DATADIR/.cookie)" --data-binary ${shellQuote(body)} -H 'content-type: application/json' ${url}`;
}

function argumentLines(m: AnyMethod): string[] {
  if (m.params.length === 0) return [];
  const width = Math.max(...m.params.map((p) => p.name.length));
  const lines = ['Arguments:'];
  let i = 0;
  for (const p of m.params) {
    const flags = [typeLabel(p)];
    if (p.namedOnly === true) flags.push('named only');
    flags.push(isRequired(p) ? 'required' : 'optional');
    if (p.default !== undefined) flags.push(`default=${stringifyJson(p.default)}`);
    const tag = p.namedOnly === true ? '-.' : `${++i}.`;
    lines.push(`${tag} ${p.name.padEnd(width)}    (${flags.join(', ')}) ${p.description}`);
  }
  return lines;
}

/** The full help text of one method. */
export function methodHelp(m: AnyMethod, url?: string): string {
  const lines = [usageLine(m), '', m.summary];
  if (m.description !== undefined) lines.push('', m.description);
  const args = argumentLines(m);
  if (args.length > 0) lines.push('', ...args);
  lines.push('', 'Result:', m.result.description);
  if (m.example !== undefined) lines.push(stringifyJson(m.example.result, 2));
  if (m.errors !== undefined && m.errors.length > 0) {
    lines.push('', 'Errors:');
    for (const e of m.errors) lines.push(`${String(RPC_ERRORS[e.rpc].code).padStart(6)} ${e.code}: ${e.description}`);
  }
  const routes = [m.rest !== undefined ? `${m.rest.method} ${m.rest.path}` : undefined, m.module !== undefined ? `POST /v1/modules/${m.module}/${m.name}` : undefined].filter((r) => r !== undefined);
  if (routes.length > 0) lines.push('', 'REST:', ...routes.map((r) => `  ${r}`));
  const params = m.example?.params ?? [];
  lines.push('', 'Examples:', `> ${cliExample(m, params)}`, `> ${curlExample(m, params, url)}`);
  return lines.join('\n');
}

/** The method list, grouped by category and module, names sorted within a group. */
export function helpIndex(table: MethodTable): string {
  const groups = new Map<string, AnyMethod[]>();
  const add = (g: string, m: AnyMethod) => groups.set(g, [...(groups.get(g) ?? []), m]);
  for (const m of table.methods) if (m.module === undefined) add(m.category ?? 'Other', m);
  for (const m of table.methods) if (m.module !== undefined) add(`Module: ${m.module}`, m);
  const out: string[] = [];
  for (const [g, ms] of groups) {
    if (out.length > 0) out.push('');
    out.push(`== ${g} ==`, ...[...ms].sort((a, b) => a.name.localeCompare(b.name)).map(usageLine));
  }
  return out.join('\n');
}

/** The built-in `help` method (added by `createMethodTable`); answers while the node warms up. */
export const helpMethod = defineMethod({
  name: 'help',
  summary: 'List all commands, or get help for a specified command.',
  category: 'Control',
  allowInWarmup: true,
  params: [{ name: 'command', type: 'string', required: false, description: 'The command to get help on' }],
  result: { description: 'The help text (a string)', schema: { type: 'string' } },
  example: { params: ['help'], result: 'help ( "command" )\n\nList all commands, or get help for a specified command.\n...' },
  errors: [{ code: 'rpc/METHOD_NOT_FOUND', rpc: 'RPC_METHOD_NOT_FOUND', description: 'no command by that name' }],
  handler: ({ command }, ctx) => {
    if (command === undefined) return helpIndex(ctx.table);
    const m = ctx.table.get(command);
    if (m === undefined) throw rpcError('RPC_METHOD_NOT_FOUND', 'rpc/METHOD_NOT_FOUND', `help: unknown command: ${command}`, { method: command });
    return methodHelp(m);
  },
});
