import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicHeader, checkBasicAuth } from '../../src/rpc/auth.ts';
import { buildRpcServer, startRpcServer } from '../../src/rpc/server.ts';
import type { RpcServerOptions } from '../../src/rpc/server.ts';
import { toyTable } from './rpc.toy.ts';

const table = toyTable();
const alice = { user: 'alice', password: 'correct horse' };

function app(o: Partial<RpcServerOptions> = {}) {
  return buildRpcServer({ table, auth: { mode: 'none' }, ...o });
}

type Body = { result?: unknown; error?: { code: number; message: string; data: { code: string; details?: Record<string, unknown> } } | null; id?: unknown };

test('default: POST / answers JSON-RPC whatever the content type (text/plain, form, JSON, none)', async () => {
  const a = app();
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json', undefined]) {
    const res = await a.inject({ method: 'POST', url: '/', payload: '{"method":"add","params":[1,2],"id":1}', headers: type === undefined ? {} : { 'content-type': type } });
    assert.equal(res.statusCode, 200, String(type));
    assert.deepEqual(res.json(), { result: 3, error: null, id: 1 });
    assert.match(String(res.headers['content-type']), /application\/json/);
  }
  await a.close();
});

test('behavior: HTTP statuses of POST / follow bitcoind for 1.0 and are 200/204 for 2.0', async () => {
  const a = app();
  const post = (payload: string) => a.inject({ method: 'POST', url: '/', payload });
  assert.equal((await post('{"method":"nosuch","id":1}')).statusCode, 404);
  assert.equal((await post('{"method":"missinginputs","id":1}')).statusCode, 500);
  assert.equal((await post('{"id":1}')).statusCode, 400);
  assert.equal((await post('not json')).statusCode, 500);
  assert.equal((await post('{"jsonrpc":"2.0","method":"nosuch","id":1}')).statusCode, 200);
  const note = await post('{"jsonrpc":"2.0","method":"echo","params":["x"]}');
  assert.equal(note.statusCode, 204);
  assert.equal(note.body, '');
  await a.close();
});

test('error: a body over the limit is refused with HTTP 413 and a JSON-RPC error saying the limit', async () => {
  const a = app({ bodyLimit: 100 });
  const big = JSON.stringify({ method: 'echo', params: ['x'.repeat(200)], id: 1 });
  const res = await a.inject({ method: 'POST', url: '/', payload: big });
  assert.equal(res.statusCode, 413);
  const body = res.json() as Body;
  assert.equal(body.error?.code, -32600);
  assert.equal(body.error?.data.code, 'rpc/BODY_TOO_LARGE');
  assert.match(body.error?.message ?? '', /limit is 100 bytes/);
  assert.equal(body.result, null);
  const rest = await a.inject({ method: 'POST', url: '/v1/toy/hex', payload: JSON.stringify({ data: 'ab'.repeat(100) }) });
  assert.equal(rest.statusCode, 413);
  assert.equal((rest.json() as { error: { data: { code: string } } }).error.data.code, 'rpc/BODY_TOO_LARGE');
  await a.close();
});

test('behavior: auth refuses a missing or wrong password with 401 and accepts the right one', async () => {
  const a = app({ auth: { mode: 'basic', credentials: [alice, { user: '__cookie__', password: 'ff'.repeat(32) }] }, authFailDelayMs: 0 });
  const payload = '{"method":"echo","params":["hi"],"id":1}';
  const none = await a.inject({ method: 'POST', url: '/', payload });
  assert.equal(none.statusCode, 401);
  assert.equal(none.headers['www-authenticate'], 'Basic realm="jsonrpc"');
  assert.equal((none.json() as { error: { data: { code: string } } }).error.data.code, 'rpc/UNAUTHORIZED');
  const wrong = await a.inject({ method: 'POST', url: '/', payload, headers: { authorization: basicHeader({ user: 'alice', password: 'wrong' }) } });
  assert.equal(wrong.statusCode, 401);
  const good = await a.inject({ method: 'POST', url: '/', payload, headers: { authorization: basicHeader(alice) } });
  assert.equal(good.statusCode, 200);
  const cookie = await a.inject({ method: 'POST', url: '/', payload, headers: { authorization: basicHeader({ user: '__cookie__', password: 'ff'.repeat(32) }) } });
  assert.equal(cookie.statusCode, 200);
  const rest = await a.inject({ method: 'GET', url: '/v1/toy/add?a=1' });
  assert.equal(rest.statusCode, 401, 'REST is under the same auth');
  await a.close();
});

test('args: publicGet serves GET REST and the OpenAPI document without credentials, nothing else', async () => {
  const a = app({ auth: { mode: 'basic', credentials: [alice], publicGet: true }, authFailDelayMs: 0 });
  assert.equal((await a.inject({ method: 'GET', url: '/v1/toy/add?a=1&b=2' })).body, '3');
  assert.equal((await a.inject({ method: 'GET', url: '/openapi.json' })).statusCode, 200);
  assert.equal((await a.inject({ method: 'POST', url: '/v1/toy/hex', payload: '{"data":"00"}' })).statusCode, 401);
  assert.equal((await a.inject({ method: 'POST', url: '/', payload: '{"method":"add","params":[1],"id":1}' })).statusCode, 401);
  await a.close();
});

test('default: checkBasicAuth returns the user for a matching credential only', () => {
  assert.equal(checkBasicAuth(basicHeader(alice), [alice]), 'alice');
  assert.equal(checkBasicAuth(basicHeader({ user: 'alice', password: 'correct horse!' }), [alice]), undefined);
  assert.equal(checkBasicAuth('Bearer x', [alice]), undefined);
  assert.equal(checkBasicAuth(undefined, [alice]), undefined);
});

test('default: REST GET takes query params and returns the bare result; /v1/chain/info is a REST route', async () => {
  const a = app();
  const sum = await a.inject({ method: 'GET', url: '/v1/toy/add?a=2&b=5' });
  assert.equal(sum.statusCode, 200);
  assert.equal(sum.json(), 7);
  const info = await a.inject({ method: 'GET', url: '/v1/chain/info?verbosity=2&mode=full' });
  assert.deepEqual(info.json(), { head_block_num: 7, verbosity: 2, mode: 'full', supply_sat: '1152921504606846976' });
  const hash = await a.inject({ method: 'GET', url: `/v1/toy/hash/${'ab'.repeat(32)}` });
  assert.equal(hash.json(), 'ab'.repeat(32));
  await a.close();
});

test('error: REST errors are {error:{code,message,data}} with MODULES.md statuses', async () => {
  const a = app();
  const cases: [string, string, string | undefined, number, number, string][] = [
    ['GET', '/v1/toy/add?a=x', undefined, 400, -3, 'rpc/WRONG_TYPE'],
    ['GET', '/v1/toy/add', undefined, 400, -32602, 'rpc/MISSING_PARAM'],
    ['GET', '/v1/toy/add?a=1&c=2', undefined, 400, -32602, 'rpc/UNKNOWN_PARAM'],
    ['GET', '/v1/toy/add?a=1&a=2', undefined, 400, -32602, 'rpc/DUPLICATE_PARAM'],
    ['GET', '/v1/toy/hash/abcd', undefined, 400, -8, 'rpc/BAD_HEX'],
    ['POST', '/v1/toy/hex', '{"data":"zz"}', 400, -22, 'rpc/BAD_HEX'],
    ['POST', '/v1/toy/hex', '{"data":', 400, -32700, 'rpc/PARSE_ERROR'],
    ['POST', '/v1/toy/hex', '[1]', 400, -32600, 'rpc/BAD_PARAMS'],
    ['POST', '/v1/modules/toys/toyscreate', '{"name":"ghost","amount_sat":1}', 404, -5, 'toys/NOT_FOUND'],
    ['POST', '/v1/modules/toys/toyscreate', '{"name":"poor","amount_sat":1}', 409, -6, 'toys/POOR'],
    ['POST', '/v1/modules/toys/toyscreate', '{"name":"x","amount_sat":"1.5"}', 400, -8, 'rpc/BAD_AMOUNT'],
    ['GET', '/v1/nothing/here', undefined, 404, -32601, 'rpc/ROUTE_NOT_FOUND'],
  ];
  for (const [method, url, payload, status, code, dataCode] of cases) {
    const res = await a.inject({ method: method as 'GET' | 'POST', url, ...(payload !== undefined ? { payload } : {}) });
    const body = res.json() as { error: { code: number; message: string; data: { code: string } } };
    assert.deepEqual([res.statusCode, body.error.code, body.error.data.code], [status, code, dataCode], `${method} ${url} ${payload ?? ''}`);
  }
  await a.close();
});

test('behavior: a module method answers the same over JSON-RPC (flat name) and POST /v1/modules/<module>/<method>', async () => {
  const a = app();
  const rpc = await a.inject({ method: 'POST', url: '/', payload: '{"jsonrpc":"2.0","method":"toyscreate","params":["ball",10000,{"broadcast":true}],"id":1}' });
  const rest = await a.inject({ method: 'POST', url: '/v1/modules/toys/toyscreate', payload: '{"name":"ball","amount_sat":"10000","broadcast":true}' });
  assert.equal(rest.statusCode, 200);
  assert.deepEqual(rest.json(), (rpc.json() as Body).result);
  assert.deepEqual(rest.json(), { name: 'ball', amount_sat: '10000', from: null, broadcast: true });
  await a.close();
});

test('behavior: a handler bug answers HTTP 500 with -1 and no stack in the body', async () => {
  const a = app();
  const res = await a.inject({ method: 'POST', url: '/', payload: '{"method":"boom","id":1}' });
  assert.equal(res.statusCode, 500);
  assert.ok(!res.body.includes('secret/path.ts'), res.body);
  await a.close();
});

test('default: GET / explains that JSON-RPC needs POST (405)', async () => {
  const a = app();
  const res = await a.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 405);
  assert.match(res.body, /only POST/);
  await a.close();
});

test('default: the OpenAPI document lists every method (JSON-RPC body variants) and every REST route', async () => {
  const a = app();
  const doc = (await a.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    openapi: string;
    paths: Record<string, Record<string, { operationId?: string; requestBody?: { content: Record<string, { schema: { oneOf: { title?: string }[] } }> }; parameters?: { name: string; in: string }[] }>>;
  };
  assert.match(doc.openapi, /^3\./);
  const variants = doc.paths['/']!['post']!.requestBody!.content['application/json']!.schema.oneOf.map((s) => s.title);
  for (const m of table.methods) assert.ok(variants.includes(m.name), `POST / lists ${m.name}`);
  assert.equal(doc.paths['/v1/toy/add']!['get']!.operationId, 'add');
  assert.deepEqual(doc.paths['/v1/toy/add']!['get']!.parameters!.map((p) => `${p.in}:${p.name}`), ['query:a', 'query:b']);
  assert.ok(doc.paths['/v1/chain/info']?.['get'] !== undefined);
  assert.ok(doc.paths['/v1/toy/hash/{hash}']?.['get'] !== undefined);
  assert.ok(doc.paths['/v1/modules/toys/toyscreate']?.['post'] !== undefined);
  assert.equal(doc.paths['/openapi.json'], undefined, 'the document route is hidden');
  await a.close();
});

function tempDatadir(): string {
  return mkdtempSync(join(tmpdir(), 'cchost-rpc-'));
}

test('behavior: startRpcServer writes a 0600 cookie that authenticates, and removes it on close', async () => {
  const datadir = tempDatadir();
  try {
    const rpc = await startRpcServer({ table, datadir, port: 0, authFailDelayMs: 0 });
    assert.equal(rpc.host, '127.0.0.1');
    assert.equal(rpc.cookieFile, join(datadir, '.cookie'));
    assert.equal(statSync(rpc.cookieFile).mode & 0o777, 0o600);
    const [user, password] = readFileSync(rpc.cookieFile, 'utf8').split(':') as [string, string];
    assert.equal(user, '__cookie__');
    assert.match(password, /^[0-9a-f]{64}$/);
    const res = await fetch(rpc.url, { method: 'POST', body: '{"method":"add","params":[20,22],"id":1}', headers: { authorization: basicHeader({ user, password }) } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { result: 42, error: null, id: 1 });
    assert.equal((await fetch(rpc.url, { method: 'POST', body: '{}' })).status, 401);
    await rpc.close();
    assert.equal(existsSync(rpc.cookieFile), false);
  } finally {
    rmSync(datadir, { recursive: true, force: true });
  }
});

test('error: startRpcServer refuses to run without credentials, or open on a non-loopback host', async () => {
  await assert.rejects(startRpcServer({ table, port: 0 }), /no RPC credentials/);
  await assert.rejects(startRpcServer({ table, port: 0, rpcuser: 'a' }), /rpcuser and rpcpassword go together/);
  await assert.rejects(startRpcServer({ table, port: 0, host: '0.0.0.0', noAuth: true }), /refusing to serve RPC without credentials on 0\.0\.0\.0/);
});

test('error: a port in use is reported with the fix, and the cookie is not left behind', async () => {
  const datadir = tempDatadir();
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as AddressInfo).port;
  try {
    await assert.rejects(startRpcServer({ table, datadir, port }), /cannot listen for RPC on 127\.0\.0\.1:\d+: the port is in use.*--rpcport/);
    assert.equal(existsSync(join(datadir, '.cookie')), false);
  } finally {
    blocker.close();
    rmSync(datadir, { recursive: true, force: true });
  }
});
