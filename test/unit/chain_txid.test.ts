/**
 * Txids of decoded blocks come from the block's own bytes (no re-serialization); they must equal the
 * txid of the transaction itself, and the transaction is frozen like any object `txidOf` has hashed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import { decodeBlock, encodeBlock, legacyTxBytes } from '../../src/chain/block/block.ts';
import { parseTransaction } from '../../src/chain/transaction.ts';
import { buildGenesisBlock } from '../../src/chain/genesis.ts';
import { defaultDevSpec } from '../../src/chain/spec/defaults.ts';
import { knownTxBytes, txidOf } from '../../src/chain/state/txid.ts';
import { xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { p2pkhScript } from '../../src/script/builder.ts';
import { hash160 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';

test('behavior: txids of a decoded block equal each transaction\'s own hash, and the transactions are frozen', () => {
  const priv = new Uint8Array(32).fill(7);
  const spec = defaultDevSpec({ producerKey: xOnlyPublicKeyFromPrivate(priv), genesisTimeMs: 1_700_000_000_000, modules: [] });
  const genesis = buildGenesisBlock(spec);
  const extra = new Transaction();
  extra.version = 1;
  extra.addInput(new Uint8Array(32).fill(1), 3, 0xfffffffe, new Uint8Array([0x51]));
  extra.addOutput(p2pkhScript(hash160(publicKeyFromPrivate(priv))), 5000n);
  const d = decodeBlock(encodeBlock({ header: genesis.header, txs: [...genesis.txs, extra] }));
  assert.ok(d.ok);
  for (const tx of d.value.txs) {
    const expected = tx.clone().getHash();
    assert.deepEqual([...txidOf(tx)], [...expected]);
    assert.throws(() => tx.addOutput(new Uint8Array([0x6a]), 0n), TypeError, 'frozen after decode');
  }
});

test('behavior: a parsed transaction keeps its txid and its bytes; bytes read from a view are copied; blocks encode from them', () => {
  const built = new Transaction();
  built.addInput(new Uint8Array(32).fill(3), 1);
  built.addOutput(p2pkhScript(hash160(publicKeyFromPrivate(new Uint8Array(32).fill(9)))), 5_000n);
  const raw = built.toBuffer();
  assert.equal(knownTxBytes(built), undefined, 'a transaction built in memory has no known bytes');

  // The transaction sits in the middle of a larger buffer (as in a network message).
  const big = new Uint8Array(raw.length + 20);
  big.set(raw, 10);
  const r = parseTransaction(big.subarray(10, 10 + raw.length));
  assert.ok(r.ok);
  const tx = r.value;
  assert.deepEqual(txidOf(tx), new Uint8Array(built.getHash()));
  big.fill(0xee); // the caller reuses its buffer
  assert.deepEqual(legacyTxBytes(tx), new Uint8Array(raw));
  assert.notEqual(knownTxBytes(tx)!.buffer, big.buffer, 'a view of a larger buffer is copied, not pinned');
  assert.ok(Object.isFrozen(tx));

  const exact = parseTransaction(new Uint8Array(raw));
  assert.ok(exact.ok);
  assert.deepEqual(legacyTxBytes(exact.value), new Uint8Array(raw));
  assert.deepEqual(new Uint8Array(exact.value.toBuffer()), new Uint8Array(raw));
});
