/**
 * Test chains for the store tests: real bitcoinjs transactions in real encoded blocks, with deltas
 * derived by `replayBlock` over an in-memory UTXO model (the store does not depend on the chain rules
 * to be tested). Scripts of every indexed kind; a seeded PRNG for the property tests.
 */
import { seededRandom } from '../helpers/scriptNotation.ts';
import { Transaction } from 'bitcoinjs-lib';
import { encodeBlock } from '../../src/chain/block/block.ts';
import { blockId } from '../../src/chain/block/sign.ts';
import type { Block, BlockHeader } from '../../src/chain/block/types.ts';
import { buildCoinbase, NULL_BLOCK_REF } from '../../src/chain/genesis.ts';
import { txMerkleRoot } from '../../src/chain/merkle.ts';
import type { BlockDelta, OutPoint } from '../../src/chain/state/types.ts';
import { hash160, sha256 } from '../../src/crypto/hash.ts';
import { p2pkhScript, p2pkScript, p2shScript } from '../../src/script/builder.ts';
import { concatBytes, utf8 } from '../../src/util/bytes.ts';
import { replayBlock } from '../../src/store/replay.ts';
import type { UtxoMap } from '../../src/store/replay.ts';

/** The chain id the test stores use. */
export const CHAIN_ID = sha256(utf8('cchost store tests'));
/** Another chain's id. */
export const OTHER_CHAIN_ID = sha256(utf8('another chain'));

/** Deterministic 32-byte value from a label. */
export const h32 = (label: string): Uint8Array => sha256(utf8(label));
/** Deterministic 20-byte hash from a label. */
export const h20 = (label: string): Uint8Array => hash160(utf8(label));
/** A compressed public key shape (02 ‖ 32 bytes) from a label. */
export const pubkey = (label: string): Uint8Array => concatBytes(Uint8Array.of(0x02), h32(label));

/** A CC condition-shaped blob (46 bytes, like a cc1of1 fingerprint condition). */
export function ccCondition(label: string): Uint8Array {
  return concatBytes(Uint8Array.of(0xa2, 0x2c, 0x80, 0x20), h32(label), Uint8Array.of(0x81, 0x03, 0x12, 0x0c, 0x00, 0x82, 0x03, 0x00, 0x04, 0x01));
}

/** The CC sub-script `L ‖ C ‖ CC`. */
export function ccSubScript(condition: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(condition.length), condition, Uint8Array.of(0xcc));
}

/** A CC output script, with a params tail `01 ‖ evalCode ‖ data` when `evalCode` is given. */
export function ccScript(condition: Uint8Array, evalCode?: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const sub = ccSubScript(condition);
  if (evalCode === undefined) return sub;
  const p = concatBytes(Uint8Array.of(0x01, evalCode), data);
  return concatBytes(sub, Uint8Array.of(p.length), p, Uint8Array.of(0x75));
}

export { p2pkhScript, p2pkScript, p2shScript };

/** An OP_RETURN script. */
export const opReturn = (data: Uint8Array): Uint8Array => concatBytes(Uint8Array.of(0x6a, data.length), data);

/** An output to add to a transaction. */
export interface Out {
  readonly script: Uint8Array;
  readonly value: bigint;
}

/** A transaction spending `inputs` (dummy scriptSigs: the store checks no scripts) to `outputs`. */
export function spendTx(inputs: readonly OutPoint[], outputs: readonly Out[], nonce = 0): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  tx.locktime = nonce;
  for (const i of inputs) tx.addInput(i.txid, i.vout, 0xffffffff, Uint8Array.of(0x51));
  for (const o of outputs) tx.addOutput(o.script, o.value);
  return tx;
}

function header(num: number, parent: Uint8Array, txs: Transaction[]): BlockHeader {
  return {
    chainId: CHAIN_ID,
    num,
    slot: num,
    parent,
    producer: num === 0 ? '' : 'alice',
    activeVersion: 1,
    pendingVersion: 0,
    txRoot: txMerkleRoot(txs).root,
    stateRoot: new Uint8Array(32),
    ancestorsRoot: new Uint8Array(32),
    justify: NULL_BLOCK_REF,
    finalRef: NULL_BLOCK_REF,
    producerSig: new Uint8Array(64),
  };
}

/** The genesis-style transaction: a null-prevout input and the allocations. */
export function genesisTx(allocations: readonly Out[]): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, concatBytes(Uint8Array.of(0x00, 32), CHAIN_ID));
  for (const a of allocations) tx.addOutput(a.script, a.value);
  return tx;
}

/** A chain under construction with its UTXO model; `deltas[h]` is block h's delta. */
export class TestChain {
  readonly deltas: BlockDelta[] = [];
  readonly utxos: UtxoMap = new Map();
  private readonly snapshots: UtxoMap[] = [];

  /** The next block's height. */
  get nextHeight(): number {
    return this.deltas.length;
  }

  /** Appends a block holding `txs` (the coinbase or genesis transaction is added first). */
  add(txs: readonly Transaction[], opts: { allocations?: readonly Out[]; producerScript?: Uint8Array; extraNonce?: number } = {}): BlockDelta {
    const height = this.nextHeight;
    const first =
      height === 0
        ? genesisTx(opts.allocations ?? [{ script: p2pkhScript(h20('genesis')), value: 1_000_000n }])
        : buildCoinbase(height, opts.producerScript ?? p2pkhScript(h20('producer')), 5000n, opts.extraNonce === undefined ? undefined : Uint8Array.of(opts.extraNonce));
    const all = [first, ...txs];
    const parent = height === 0 ? new Uint8Array(32) : this.deltas[height - 1]!.id;
    const block: Block = { header: header(height, parent, all), txs: all };
    const bytes = encodeBlock(block);
    this.snapshots.push(new Map(this.utxos));
    const r = replayBlock(this.utxos, block, height, blockId(block.header), bytes);
    if (!r.ok) {
      this.snapshots.pop();
      throw new Error(r.error.message);
    }
    this.deltas.push(r.value);
    return r.value;
  }

  /** Drops the last block (the model goes back with it). */
  pop(): BlockDelta {
    const d = this.deltas.pop();
    const snap = this.snapshots.pop();
    if (d === undefined || snap === undefined) throw new Error('empty chain');
    this.utxos.clear();
    for (const [k, v] of snap) this.utxos.set(k, v);
    return d;
  }
}

/** A small deterministic PRNG (the shared mulberry32) returning numbers in [0, 1). */
export function prng(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() / 4294967296;
}

/**
 * A deterministic chain of `blocks` blocks after genesis, each with `width` transactions: transaction i
 * spends transaction i of the previous block and pays two outputs (one spent by the next block).
 */
export function linearChain(blocks: number, width: number): TestChain {
  const c = new TestChain();
  c.add([], { allocations: Array.from({ length: width }, (_, i) => ({ script: p2pkhScript(h20(`lane ${i}`)), value: 1_000_000_000n })) });
  const g = c.deltas[0]!.txids[0]!;
  let prevVouts = Array.from({ length: width }, (_, i) => ({ txid: g, vout: i }));
  for (let h = 1; h <= blocks; h++) {
    const txs = prevVouts.map((op, i) =>
      spendTx([op], [
        { script: p2pkhScript(h20(`lane ${i}`)), value: 1_000_000_000n - BigInt(h) * 10n },
        { script: p2pkhScript(h20(`pay ${h} ${i}`)), value: 1n },
      ]),
    );
    c.add(txs);
    prevVouts = txs.map((t) => ({ txid: t.getHash(), vout: 0 }));
  }
  return c;
}
