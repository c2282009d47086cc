/**
 * The chain the node's producer builds is a valid chain for the consensus rules from block 1 on:
 * every header, read back from the store, passes `nextHeaderState` starting at the genesis state
 * (genesis is final by definition, so block 1 may claim it without a certificate), and LIB follows
 * the certificates the blocks carry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBlock } from '../../src/chain/block/block.ts';
import { consensusConfig, genesisHeaderState, headerRef, nextHeaderState } from '../../src/consensus/index.ts';
import type { HeaderState } from '../../src/consensus/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { startTestNode } from './node_fixture.ts';

test('dev-produced headers pass the consensus header rules from block 1, and the chain LIB trails head by one', async () => {
  const t = await startTestNode({ keys: 1 });
  try {
    for (let i = 0; i < 6; i++) t.produce();
    const spec = t.node.spec;
    const config = consensusConfig(spec);
    const decode = (h: number) => {
      const d = decodeBlock(t.node.store.getBlockByHeight(h)!.bytes);
      assert.ok(d.ok);
      return d.value.header;
    };
    const states = new Map<string, HeaderState>();
    let state = genesisHeaderState(headerRef(decode(0)), spec.schedule);
    states.set(toHex(state.ref.id), state);
    const height = t.node.ctx.tip().height;
    for (let h = 1; h <= height; h++) {
      const r = nextHeaderState(config, state, decode(h), (ref) => states.get(toHex(ref.id)));
      assert.ok(r.ok, `block ${h}: ${r.ok ? '' : `${r.error.code} ${r.error.message}`}`);
      state = r.value;
      states.set(toHex(state.ref.id), state);
    }
    assert.equal(state.chainLib.num, height - 1, 'each block carries the COMMIT certificate of its parent');
  } finally {
    await t.close();
  }
});
