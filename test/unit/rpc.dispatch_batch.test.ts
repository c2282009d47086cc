/**
 * Batch execution of the JSON-RPC dispatcher: consecutive requests for the same method run
 * concurrently and are answered in order; a request for another method is a barrier, so a batch that
 * reads what an earlier element wrote sees it, as in bitcoind's sequential batches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchValue, sameMethodRuns } from '../../src/rpc/dispatch.ts';
import { defineMethod } from '../../src/rpc/method.ts';
import { createMethodTable } from '../../src/rpc/table.ts';

/** A toy async "store": `put` resolves when released; `get` reads what completed puts wrote. */
function harness() {
  const events: string[] = [];
  const written = new Set<string>();
  const pending: (() => void)[] = [];
  let autoRelease = false;
  const put = defineMethod({
    name: 'put',
    summary: 'Writes a key after an asynchronous step.',
    params: [{ name: 'key', type: 'string', description: 'Key' }],
    result: { description: 'The key' },
    handler: async ({ key }) => {
      events.push(`start ${key}`);
      if (!autoRelease) await new Promise<void>((r) => pending.push(r));
      else await new Promise<void>((r) => setImmediate(r));
      written.add(key);
      events.push(`end ${key}`);
      return key;
    },
  });
  const get = defineMethod({
    name: 'get',
    summary: 'Reads a key.',
    params: [{ name: 'key', type: 'string', description: 'Key' }],
    result: { description: 'Whether the key was written' },
    handler: ({ key }) => {
      events.push(`get ${key}`);
      return written.has(key);
    },
  });
  const table = createMethodTable([put, get]);
  return {
    table,
    events,
    pending,
    auto: () => {
      autoRelease = true;
    },
  };
}

const req = (id: number, method: string, key: string) => ({ jsonrpc: '2.0', id, method, params: [key] });

test('a run of same-method requests in a batch runs concurrently: all start before any finishes, replies stay in request order', async () => {
  const h = harness();
  const reply = dispatchValue([req(1, 'put', 'a'), req(2, 'put', 'b'), req(3, 'put', 'c')], { table: h.table });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(h.events, ['start a', 'start b', 'start c'], 'the three handlers are in flight together');
  // Finish them in reverse order.
  for (const release of h.pending.splice(0).reverse()) {
    release();
    await new Promise((r) => setImmediate(r));
  }
  const r = await reply;
  assert.equal(r.status, 200);
  assert.deepEqual(
    (r.body as { id: number; result: string }[]).map((x) => [x.id, x.result]),
    [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ],
  );
  assert.deepEqual(h.events.slice(3), ['end c', 'end b', 'end a']);
});

test('a request for another method waits for the run before it, so a read after a write in one batch sees the write', async () => {
  const h = harness();
  h.auto();
  const r = await dispatchValue([req(1, 'put', 'a'), req(2, 'put', 'b'), req(3, 'get', 'b'), req(4, 'put', 'c'), req(5, 'get', 'c')], { table: h.table });
  const results = (r.body as { id: number; result: unknown }[]).map((x) => x.result);
  assert.deepEqual(results, ['a', 'b', true, 'c', true]);
  assert.ok(h.events.indexOf('get b') > h.events.indexOf('end a') && h.events.indexOf('get b') > h.events.indexOf('end b'));
  assert.ok(h.events.indexOf('start c') > h.events.indexOf('get b'), 'the run after a barrier starts only after it');
});

test('sameMethodRuns splits a batch at every change of method; malformed elements stand alone', () => {
  const a = { method: 'a' };
  const b = { method: 'b' };
  const junk = 7;
  const noMethod = { id: 1 };
  assert.deepEqual(sameMethodRuns([a, a, b, a, junk, junk, noMethod, noMethod, b, b]), [[a, a], [b], [a], [junk], [junk], [noMethod], [noMethod], [b, b]]);
  assert.deepEqual(sameMethodRuns([]), []);
});
