import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchJsonRpc, dispatchValue } from '../../src/rpc/dispatch.ts';
import type { DispatchOptions } from '../../src/rpc/dispatch.ts';
import { defineMethod } from '../../src/rpc/method.ts';
import { createMethodTable } from '../../src/rpc/table.ts';
import { toJsonValue } from '../../src/rpc/json.ts';
import { add, echo, toyTable } from './rpc.toy.ts';

const table = toyTable();
const opts: DispatchOptions = { table };

type Reply = Record<string, unknown> & { error?: { code: number; message: string; data: { code: string; hint?: string } } | null };

async function call(body: unknown, o: DispatchOptions = opts): Promise<{ status: number; body: Reply }> {
  const r = await dispatchValue(body, o);
  return { status: r.status, body: toJsonValue(r.body) as Reply };
}

test('default: a 1.0 request gets {result, error: null, id} and HTTP 200', async () => {
  const r = await call({ method: 'add', params: [2, 3], id: 7 });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { result: 5, error: null, id: 7 });
});

test('behavior: a 1.0 error keeps both keys; HTTP 500, 404 for an unknown method, 400 for an invalid request', async () => {
  const bad = await call({ method: 'add', params: ['x'], id: 1 });
  assert.equal(bad.status, 500);
  assert.equal(bad.body.result, null);
  assert.equal(bad.body.error?.code, -3);
  assert.equal(bad.body.error?.message, "Invalid parameter 'a': expected integer, got 'x'");
  const missing = await call({ method: 'nosuch', id: 1 });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error?.code, -32601);
  const invalid = await call({ params: [], id: 1 });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.error?.code, -32600);
});

test('behavior: a 2.0 request gets result XOR error, always HTTP 200', async () => {
  const ok = await call({ jsonrpc: '2.0', method: 'echo', params: ['hi'], id: 'a' });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, { jsonrpc: '2.0', result: 'hi', id: 'a' });
  const err = await call({ jsonrpc: '2.0', method: 'nosuch', id: 'b' });
  assert.equal(err.status, 200);
  assert.ok(!('result' in err.body));
  assert.equal(err.body.error?.code, -32601);
  assert.equal(err.body.id, 'b');
});

test('behavior: a 2.0 notification (no id) runs but gets no reply, even on error (HTTP 204)', async () => {
  let ran = 0;
  const counting = createMethodTable([
    defineMethod({ name: 'tick', summary: 'counts', params: [], result: { description: 'n' }, handler: () => ++ran }),
  ]);
  const r = await dispatchValue({ jsonrpc: '2.0', method: 'tick' }, { table: counting });
  assert.deepEqual(r, { status: 204, body: undefined });
  assert.equal(ran, 1);
  assert.deepEqual(await dispatchValue({ jsonrpc: '2.0', method: 'nosuch' }, { table: counting }), { status: 204, body: undefined });
});

test('error: a 2.0 id that is an object is an invalid request', async () => {
  const r = await call({ jsonrpc: '2.0', method: 'add', params: [1], id: { x: 1 } });
  assert.equal(r.status, 200);
  assert.equal(r.body.error?.code, -32600);
  assert.equal(r.body.id, null);
});

test('behavior: a batch answers each element independently and in order, skipping notifications', async () => {
  const r = await call([
    { method: 'add', params: [1, 2], id: 1 },
    { jsonrpc: '2.0', method: 'add', params: [5] },
    { jsonrpc: '2.0', method: 'add', params: ['x'], id: 2 },
    { method: 'nosuch', id: 3 },
    42,
  ]);
  assert.equal(r.status, 200);
  const replies = r.body as unknown as Reply[];
  assert.equal(replies.length, 4);
  assert.deepEqual(replies[0], { result: 3, error: null, id: 1 });
  assert.equal(replies[1]!.error?.code, -3);
  assert.equal(replies[1]!['jsonrpc'], '2.0');
  assert.deepEqual([replies[2]!.error?.code, replies[2]!.id, 'result' in replies[2]!], [-32601, 3, true]);
  assert.equal(replies[3]!.error?.code, -32600);
});

test('error: an empty batch is an invalid request; a batch of only notifications gets HTTP 204', async () => {
  const empty = await call([]);
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error?.code, -32600);
  assert.equal(empty.body.error?.data.code, 'rpc/EMPTY_BATCH');
  const notes = await dispatchValue([{ jsonrpc: '2.0', method: 'echo', params: ['x'] }], opts);
  assert.deepEqual(notes, { status: 204, body: undefined });
});

test('error: a batch over the limit is refused whole', async () => {
  const r = await call([{ method: 'echo', params: ['a'], id: 1 }, { method: 'echo', params: ['b'], id: 2 }], { table, maxBatch: 1 });
  assert.equal(r.body.error?.data.code, 'rpc/BATCH_TOO_LARGE');
});

test('error: unparseable JSON is -32700 with HTTP 500, as bitcoind', async () => {
  const r = await dispatchJsonRpc('{"method": ', opts);
  assert.equal(r.status, 500);
  const body = r.body as Reply;
  assert.equal(body.error?.code, -32700);
  assert.equal(body.id, null);
});

test('args: named params work and name their errors', async () => {
  const ok = await call({ method: 'add', params: { b: 4, a: 1 }, id: 1 });
  assert.equal(ok.body.result, 5);
  const unknown = await call({ method: 'add', params: { a: 1, z: 1 }, id: 1 });
  assert.equal(unknown.body.error?.code, -32602);
  assert.match(unknown.body.error?.message ?? '', /'z'/);
  const range = await call({ method: 'getinfo', params: { verbosity: 3 }, id: 1 });
  assert.equal(range.body.error?.code, -8);
  assert.equal(range.body.error?.message, "Invalid parameter 'verbosity': expected integer 0..2, got 3");
  const hex = await call({ method: 'gethex', params: { data: 'xyz' }, id: 1 });
  assert.equal(hex.body.error?.code, -22);
  assert.match(hex.body.error?.message ?? '', /'data'/);
});

test('behavior: typed handler failures keep their code; a plain Error is -1 and reported to onInternalError', async () => {
  const seen: string[] = [];
  const o: DispatchOptions = { table, requestId: 'req-1', onInternalError: (_e, info) => seen.push(info.method) };
  const tx = await call({ method: 'rejecttx', id: 1 }, o);
  assert.equal(tx.body.error?.code, -26);
  assert.equal(tx.body.error?.message, '16: TX_CC_BAD_FULFILLMENT (fulfillment does not match the condition)');
  const mod = await call({ method: 'toyscreate', params: ['ghost', 1], id: 1 }, o);
  assert.equal(mod.body.error?.code, -5);
  assert.equal(mod.body.error?.data.code, 'toys/NOT_FOUND');
  assert.equal(mod.body.error?.data.hint, 'run toyslist first');
  const boom = await call({ method: 'boom', id: 1 }, o);
  assert.equal(boom.body.error?.code, -1);
  assert.equal(boom.body.error?.message, 'database handle is closed');
  assert.deepEqual(seen, ['boom']);
});

test('behavior: bigint and bytes in results come out as digit strings and hex', async () => {
  const r = await call({ method: 'gethex', params: ['00ff'], id: 1 });
  assert.deepEqual(r.body.result, { length: 2, hex: '00ff', bytes: '00ff' });
  const info = await call({ method: 'getinfo', id: 1 });
  assert.equal((info.body.result as Record<string, unknown>)['supply_sat'], '1152921504606846976');
});

test('behavior: while warming up, methods answer -28 but help still answers', async () => {
  const o: DispatchOptions = { table, warmup: () => 'Loading block index...' };
  const r = await call({ method: 'add', params: [1], id: 1 }, o);
  assert.equal(r.body.error?.code, -28);
  assert.equal(r.body.error?.message, 'Loading block index...');
  const h = await call({ method: 'help', id: 1 }, o);
  assert.equal(h.body.error, null);
});

test('behavior: an unknown method suggests close names', async () => {
  const r = await call({ method: 'ecoh', id: 1 });
  assert.match(r.body.error?.data.hint ?? '', /did you mean echo/);
});

test('default: help lists every method by group, in bitcoind usage form', async () => {
  const r = await call({ method: 'help', id: 1 });
  const text = r.body.result as string;
  for (const m of table.methods) assert.ok(text.includes(m.name), m.name);
  assert.match(text, /== Toy ==/);
  assert.match(text, /== Module: toys ==/);
  assert.match(text, /^getinfo \( verbosity "mode" \)$/m);
  assert.match(text, /^toyscreate "name" amount_sat \( \{"from":\.\.\.,"broadcast":\.\.\.\} \)$/m);
});

test('args: help METHOD shows usage, arguments, result, errors, REST and examples', async () => {
  const r = await call({ method: 'help', params: ['add'], id: 1 });
  const text = r.body.result as string;
  assert.match(text, /^add a \( b \)\n\nAdds two integers\./);
  assert.match(text, /1\. a +\(numeric, required\) First addend/);
  assert.match(text, /2\. b +\(numeric, optional, default=0\) Second addend/);
  assert.match(text, /Result:\na \+ b\n5/);
  assert.match(text, /REST:\n {2}GET \/v1\/toy\/add/);
  assert.match(text, /> cchost rpc add 2 3/);
  assert.match(text, /"method":"add","params":\[2,3\]/);
  const unknown = await call({ method: 'help', params: ['nosuch'], id: 1 });
  assert.equal(unknown.body.error?.code, -32601);
  assert.equal(unknown.body.error?.message, 'help: unknown command: nosuch');
});

test('error: inconsistent declarations refuse to build a table, naming the method', () => {
  assert.throws(() => createMethodTable([echo, echo]), /'echo': declared twice/);
  assert.throws(() => createMethodTable([{ ...add, name: 'Add' }]), /'Add': names are lowercase/);
  assert.throws(
    () => createMethodTable([{ ...add, params: [add.params[1], add.params[0]] } as unknown as typeof add]),
    /required parameter 'a' follows an optional one/,
  );
  assert.throws(() => createMethodTable([{ ...add, example: { params: ['x'], result: 1 } }]), /'add': example params do not validate: Invalid parameter 'a'/);
  assert.throws(() => createMethodTable([{ ...add, rest: { method: 'GET', path: '/v1/x/:nope' } }]), /':nope', which is not a parameter/);
  assert.throws(() => createMethodTable([add, { ...echo, rest: { method: 'GET', path: '/v1/toy/add' } }]), /GET \/v1\/toy\/add is already used/);
  assert.throws(() => createMethodTable([{ ...add, params: [{ ...add.params[0], default: 'x' }] } as unknown as typeof add]), /default of 'a' is invalid/);
});
