import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpDigest, openStore, prefixEnd } from '../../src/store/index.ts';
import type { BlockHooks, ModuleIndexStore, Store } from '../../src/store/index.ts';
import { unwrap } from '../../src/util/errors.ts';
import { concatBytes, utf8 } from '../../src/util/bytes.ts';
import { CHAIN_ID, TestChain, h20, p2pkhScript, spendTx } from './store.fixture.ts';

const memStore = (): Store => unwrap(openStore(':memory:', { chainId: CHAIN_ID }));
const k = (s: string): Uint8Array => utf8(s);

/** Five blocks, each with one transaction spending the previous block's output. */
function chain(): TestChain {
  const c = new TestChain();
  c.add([]);
  for (let h = 1; h <= 5; h++) {
    const prev = c.deltas[h - 1]!.created.find((e) => e.coin.value > 1000n && (h === 1 || !e.coin.coinbase))!;
    c.add([spendTx([prev.outpoint], [{ script: p2pkhScript(h20(`m${h}`)), value: prev.coin.value - 100n }])]);
  }
  return c;
}

/**
 * A "counter" module: connect keeps `count` = number of non-coinbase txs seen, `last` = the last
 * txid, and one `tx/<height>` row per block; disconnect undoes it exactly (or, when `sloppy`, forgets
 * to restore `last`).
 */
function counterHooks(sloppy = false): BlockHooks {
  const read = (s: ModuleIndexStore): number => {
    const v = s.get(k('count'));
    return v === undefined ? 0 : Number(new DataView(v.buffer, v.byteOffset).getUint32(0));
  };
  const u32 = (n: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    return b;
  };
  return {
    connect(ctx) {
      const s = ctx.moduleIndex('counter');
      const n = ctx.delta.block.txs.length - 1;
      if (n === 0) return;
      s.put(k('count'), u32(read(s) + n));
      s.put(k('last'), ctx.delta.txids[ctx.delta.txids.length - 1]!);
      s.put(k(`tx/${ctx.delta.height}`), u32(n));
    },
    disconnect(ctx) {
      const s = ctx.moduleIndex('counter');
      const n = ctx.delta.block.txs.length - 1;
      if (n === 0) return;
      s.put(k('count'), u32(read(s) - n));
      s.delete(k(`tx/${ctx.delta.height}`));
      if (!sloppy) {
        const prevTx = ctx.delta.height > 1 ? ctx.delta.spent[0]!.outpoint.txid : undefined;
        if (prevTx === undefined) s.delete(k('last'));
        else s.put(k('last'), prevTx);
      }
    },
  };
}

test('module index: connect hooks write, disconnect restores the tables byte for byte without any hook', () => {
  const c = chain();
  const s = memStore();
  unwrap(s.connectBlock(c.deltas[0]!));
  const base = s.dump();
  for (const d of c.deltas.slice(1)) unwrap(s.connectBlock(d, counterHooks()));
  const r = s.moduleIndex('counter');
  assert.deepEqual(r.get(k('count')), Uint8Array.of(0, 0, 0, 5));
  assert.deepEqual(r.get(k('last')), c.deltas[5]!.txids[1]);
  for (let i = 0; i < 5; i++) unwrap(s.disconnectTip());
  assert.deepEqual(s.dump(), base);
  assert.deepEqual(r.scan(new Uint8Array(0)), []);
});

test('module index: an exact disconnect hook reports no mismatch; an imperfect one is reported and corrected', () => {
  const c = chain();
  const exact = memStore();
  const sloppy = memStore();
  for (const st of [exact, sloppy]) for (const d of c.deltas) unwrap(st.connectBlock(d, counterHooks()));
  const at5 = exact.dump();

  const e = unwrap(exact.disconnectTip(counterHooks()));
  assert.deepEqual(e.moduleIndexMismatches, []);
  const m = unwrap(sloppy.disconnectTip(counterHooks(true)));
  assert.equal(m.moduleIndexMismatches.length, 1);
  const mm = m.moduleIndexMismatches[0]!;
  assert.equal(mm.module, 'counter');
  assert.deepEqual(mm.key, k('last'));
  assert.deepEqual(mm.expected, c.deltas[4]!.txids[1], 'the value before block 5');
  assert.deepEqual(mm.actual, c.deltas[5]!.txids[1], 'what the sloppy hook left');
  // Both stores end at the state of height 4 anyway.
  assert.deepEqual(sloppy.dump(), exact.dump());
  assert.equal(dumpDigest(sloppy.dump())['module_kv'], dumpDigest(exact.dump())['module_kv']);
  assert.notEqual(dumpDigest(at5)['module_kv'], dumpDigest(exact.dump())['module_kv']);
  const fresh = memStore();
  for (const d of c.deltas.slice(0, 5)) unwrap(fresh.connectBlock(d, counterHooks()));
  assert.deepEqual(exact.dump(), fresh.dump());
  assert.notDeepEqual(at5, exact.dump());
});

test('module index: a disconnect hook writing a key connect never touched is reverted and reported', () => {
  const c = chain();
  const s = memStore();
  for (const d of c.deltas) unwrap(s.connectBlock(d, counterHooks()));
  const r = unwrap(
    s.disconnectTip({
      disconnect(ctx) {
        counterHooks().disconnect!(ctx);
        ctx.moduleIndex('other').put(k('stray'), k('x'));
      },
    }),
  );
  assert.equal(r.moduleIndexMismatches.length, 1);
  assert.equal(r.moduleIndexMismatches[0]!.module, 'other');
  assert.equal(r.moduleIndexMismatches[0]!.expected, undefined);
  assert.equal(s.moduleIndex('other').get(k('stray')), undefined);
});

test('module index: namespaces are separate; scans honour prefix, order, limit and cursor', () => {
  const c = chain();
  const s = memStore();
  unwrap(s.connectBlock(c.deltas[0]!));
  const keys = ['a', 'b/1', 'b/2', 'b/3', 'b0', 'c'].map(k);
  unwrap(
    s.connectBlock(c.deltas[1]!, {
      connect(ctx) {
        const m = ctx.moduleIndex('kv');
        for (const key of keys) m.put(key, concatBytes(k('v:'), key));
        ctx.moduleIndex('tokens').put(k('b/1'), k('other module'));
        m.put(Uint8Array.of(0xff, 0xff), k('top'));
        m.put(Uint8Array.of(0xff, 0xff, 0x00), k('top2'));
      },
    }),
  );
  const r = s.moduleIndex('kv');
  const keysOf = (e: readonly { key: Uint8Array }[]): string[] => e.map((x) => Buffer.from(x.key).toString('latin1'));
  assert.deepEqual(keysOf(r.scan(k('b/'))), ['b/1', 'b/2', 'b/3']);
  assert.deepEqual(keysOf(r.scan(k('b/'), { reverse: true })), ['b/3', 'b/2', 'b/1']);
  assert.deepEqual(keysOf(r.scan(k('b/'), { limit: 2 })), ['b/1', 'b/2']);
  assert.deepEqual(keysOf(r.scan(k('b/'), { after: k('b/1') })), ['b/2', 'b/3']);
  assert.deepEqual(keysOf(r.scan(k('b/'), { reverse: true, after: k('b/3'), limit: 1 })), ['b/2']);
  assert.deepEqual(keysOf(r.scan(k('b'))), ['b/1', 'b/2', 'b/3', 'b0']);
  assert.equal(r.scan(new Uint8Array(0)).length, 8);
  assert.deepEqual(
    r.scan(Uint8Array.of(0xff, 0xff)).map((e) => e.key),
    [Uint8Array.of(0xff, 0xff), Uint8Array.of(0xff, 0xff, 0x00)],
    'a prefix of 0xff bytes has no upper bound',
  );
  assert.deepEqual(r.get(k('b/1')), k('v:b/1'));
  assert.deepEqual(s.moduleIndex('tokens').get(k('b/1')), k('other module'));
  assert.deepEqual(prefixEnd(Uint8Array.of(1, 0xff)), Uint8Array.of(2));
  assert.equal(prefixEnd(Uint8Array.of(0xff)), null);
});

test('module index: a store kept after its hook refuses use; bad names and oversized keys fail the block; hooks cannot write through the store', () => {
  const c = chain();
  const s = memStore();
  unwrap(s.connectBlock(c.deltas[0]!));
  let kept: ModuleIndexStore | undefined;
  unwrap(
    s.connectBlock(c.deltas[1]!, {
      connect(ctx) {
        kept = ctx.moduleIndex('faucet');
      },
    }),
  );
  assert.throws(() => kept!.put(k('x'), k('y')), { code: 'STORE_CLOSED' });
  const bad = s.connectBlock(c.deltas[2]!, { connect: (ctx) => ctx.moduleIndex('no spaces allowed').put(k('x'), k('y')) });
  assert.equal(!bad.ok && bad.error.code, 'STORE_HOOK_FAILED');
  assert.equal(!bad.ok && bad.error['causeCode'], 'STORE_BAD_ARGUMENT');
  const big = s.connectBlock(c.deltas[2]!, { connect: (ctx) => ctx.moduleIndex('kv').put(new Uint8Array(1025), k('y')) });
  assert.equal(!big.ok && big.error['causeCode'], 'STORE_BAD_ARGUMENT');
  assert.throws(() => s.moduleIndex('bad name'), { code: 'STORE_BAD_ARGUMENT' });
  assert.equal(s.height(), 1);
  // A hook cannot write through the store itself (nested block writes).
  let inner: unknown;
  unwrap(
    s.connectBlock(c.deltas[2]!, {
      connect: () => {
        inner = s.setMeta('x', Uint8Array.of(1));
      },
    }),
  );
  assert.equal((inner as { ok: boolean; error: { code: string } }).error.code, 'STORE_BAD_ARGUMENT');
  assert.equal(s.getMeta('x'), undefined);
});
