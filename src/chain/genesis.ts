/**
 * The genesis block and coinbase transactions.
 *
 * Genesis (block 0) is a pure function of the spec: slot 0, parent and roots zero except `txRoot`,
 * producer '' (nobody produced it), active schedule version 1, justify/finalRef the null reference,
 * and a null signature (64 zero bytes): genesis is final by definition, it is the light client's
 * trust anchor, and nothing signs it. Its one transaction is a coinbase whose scriptSig is
 * `OP_0 ‖ push(chainId)` (BIP34 height 0, then the chain id, so two chains never share a genesis
 * txid) and whose outputs are the allocations in spec order (one empty OP_RETURN output of value 0
 * when there are none). Genesis outputs are spendable at once; block rewards wait `coinbaseMaturity`.
 *
 * Later coinbases (`buildCoinbase`) push the height first as BIP34 requires (Core's
 * `CScript() << height`, so 1..16 are OP_1..OP_16), then an extra nonce (or OP_0, keeping the
 * scriptSig at Core's 2-byte minimum), and pay reward + fees to the producer's script.
 */
import { Transaction } from 'bitcoinjs-lib';
import { concatBytes } from '../util/bytes.ts';
import { ancestorsRoot, EMPTY_ANCESTORS } from './block/ancestors.ts';
import { blockId } from './block/sign.ts';
import type { Block, BlockHeader, BlockRef } from './block/types.ts';
import { txMerkleRoot } from './merkle.ts';
import { chainIdBytes } from './spec/canonical.ts';
import type { ChainSpec } from './spec/types.ts';

const ZERO32 = new Uint8Array(32);
const NULL_TXID = new Uint8Array(32);
const COINBASE_INDEX = 0xffffffff;
const FINAL_SEQUENCE = 0xffffffff;

/** The reference genesis uses for justify and finalRef (id all zero, num 0, slot 0). */
export const NULL_BLOCK_REF: BlockRef = Object.freeze({ id: ZERO32, num: 0, slot: 0 });

/** Core's minimal script number push of `n` (`CScript() << n`): OP_0, OP_1..OP_16, or a direct push. */
export function scriptNumPush(n: number): Uint8Array {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  if (n === 0) return Uint8Array.of(0x00);
  if (n === -1) return Uint8Array.of(0x4f);
  if (n >= 1 && n <= 16) return Uint8Array.of(0x50 + n);
  const bytes: number[] = [];
  let abs = Math.abs(n);
  while (abs > 0) {
    bytes.push(abs % 256);
    abs = Math.floor(abs / 256);
  }
  if (bytes[bytes.length - 1]! & 0x80) bytes.push(n < 0 ? 0x80 : 0x00);
  else if (n < 0) bytes[bytes.length - 1]! |= 0x80;
  return Uint8Array.of(bytes.length, ...bytes);
}

function directPush(data: Uint8Array): Uint8Array {
  if (data.length === 0) return Uint8Array.of(0x00);
  if (data.length > 75) throw new RangeError(`push of ${data.length} bytes: at most 75`);
  return concatBytes(Uint8Array.of(data.length), data);
}

/**
 * A coinbase paying `amount` (reward + fees, satoshis) to `producerScript` for the block at `height`
 * (≥ 1). `extraNonce` (≤ 75 bytes) varies the txid if a producer needs two different coinbases at
 * one height. Example: `buildCoinbase(1, p2pkhScript, blockReward(spec, 1) + fees)`.
 */
export function buildCoinbase(height: number, producerScript: Uint8Array, amount: bigint, extraNonce?: Uint8Array): Transaction {
  if (!Number.isInteger(height) || height < 1 || height > 0xffffffff) throw new RangeError(`coinbase height ${height} outside 1..2^32-1`);
  const tx = new Transaction();
  tx.version = 1;
  tx.locktime = 0;
  const scriptSig = concatBytes(scriptNumPush(height), extraNonce === undefined ? Uint8Array.of(0x00) : directPush(extraNonce));
  tx.addInput(NULL_TXID, COINBASE_INDEX, FINAL_SEQUENCE, scriptSig);
  tx.addOutput(producerScript, amount);
  return tx;
}

/** The genesis transaction: a coinbase-like transaction paying the allocations (see the file comment). */
export function buildGenesisTransaction(spec: ChainSpec): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  tx.locktime = 0;
  tx.addInput(NULL_TXID, COINBASE_INDEX, FINAL_SEQUENCE, concatBytes(scriptNumPush(0), directPush(chainIdBytes(spec))));
  if (spec.allocations.length === 0) tx.addOutput(Uint8Array.of(0x6a), 0n);
  for (const a of spec.allocations) tx.addOutput(a.script.slice(), a.amount);
  return tx;
}

/** The genesis block of a spec. Deterministic: equal specs give byte-identical blocks. */
export function buildGenesisBlock(spec: ChainSpec): Block {
  const tx = buildGenesisTransaction(spec);
  const header: BlockHeader = {
    chainId: chainIdBytes(spec),
    num: 0,
    slot: 0,
    parent: ZERO32.slice(),
    producer: '',
    activeVersion: spec.schedule.version,
    pendingVersion: 0,
    txRoot: txMerkleRoot([tx]).root,
    stateRoot: ZERO32.slice(),
    ancestorsRoot: ancestorsRoot(EMPTY_ANCESTORS),
    justify: NULL_BLOCK_REF,
    finalRef: NULL_BLOCK_REF,
    producerSig: new Uint8Array(64),
  };
  return { header, txs: [tx] };
}

/** The reference of the genesis block (what block 1 uses as its parent, justify and finalRef). */
export function genesisRef(spec: ChainSpec): BlockRef {
  return { id: blockId(buildGenesisBlock(spec).header), num: 0, slot: 0 };
}
