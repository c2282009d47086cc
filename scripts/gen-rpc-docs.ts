/**
 * Writes docs/rpc.md from the node's RPC method table (the same declarations that drive the
 * dispatcher, REST, help and OpenAPI), so the reference cannot drift from what the node serves.
 *
 *   node --import tsx scripts/gen-rpc-docs.ts           # write docs/rpc.md
 *   node --import tsx scripts/gen-rpc-docs.ts --check   # exit 1 when docs/rpc.md is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newDevSpec } from '../src/node/devChain.ts';
import type { NodeContext } from '../src/rpc/methods/context.ts';
import { nodeMethodTable } from '../src/rpc/methods/index.ts';
import { renderRpcMarkdown } from '../src/rpc/docs.ts';

const OUT = fileURLToPath(new URL('../docs/rpc.md', import.meta.url));

const INTRO = [
  'Every method below is served by a running node (`cchost dev`, `cchost node`). Connect with',
  '`cchost rpc METHOD [PARAMS...]` (it reads the cookie from `--datadir`), or any JSON-RPC client:',
  '',
  '```sh',
  'curl --user "$(cat ~/.cchost/dev/.cookie)" --data-binary \'{"jsonrpc":"2.0","id":1,"method":"getblockcount","params":[]}\' http://127.0.0.1:7780/',
  '```',
  '',
  'Methods with a **REST** line are also served at that route: GET routes take their parameters in the',
  'path and the query string (`GET /v1/chain/block/<hash>?verbosity=2`), POST routes a JSON object of',
  'named parameters. REST answers the bare result with HTTP 200, or `{"error": {code, message, data}}`',
  'with the HTTP status of the error (404 for -5, 400 for -8/-3/-32602/-22, 422 for -26, 409 for -25/-27/-6).',
  '`GET /health` (no credentials) answers 200 when the node is ready and 503 while it starts or stops;',
  '`GET /openapi.json` is the OpenAPI document of the same routes. Modules add their methods under',
  '`POST /v1/modules/<module>/<method>` and a `Module: <name>` section of `help`.',
  '',
  'Amounts: bitcoind-style fields (`value`, `amount`, `fee`, `getbalance`) are JSON numbers of coins,',
  'printed exactly from integer satoshis (12.5, never 12.499999...); `valueSat`, `satoshis` and the',
  'address-index figures are integer satoshis. Block hashes are the block ids in hash output order;',
  'txids are in display (reversed) order, as every explorer prints them.',
].join('\n');

/** The node's table for documentation: a context whose handlers are never called. */
function docsTable() {
  const spec = newDevSpec(1, 0);
  const ctx = new Proxy({ spec } as unknown as NodeContext, {
    get(target, prop) {
      if (prop in target) return (target as unknown as Record<string | symbol, unknown>)[prop];
      throw new Error(`docs generation touched node.${String(prop)}: handlers must not run here`);
    },
  });
  return nodeMethodTable(ctx);
}

const text = `${renderRpcMarkdown(docsTable(), { title: 'cchost RPC reference', intro: INTRO })}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {
    // missing counts as out of date
  }
  if (current !== text) {
    console.error('docs/rpc.md is out of date: run `npm run docs:rpc` and commit the result');
    process.exit(1);
  }
  console.log('docs/rpc.md is up to date');
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}
