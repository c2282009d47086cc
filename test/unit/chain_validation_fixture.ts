/**
 * Shared fixture of the chain validation, mempool and view tests: deterministic keys, a chain spec,
 * an in-memory chain that builds, connects and disconnects real signed blocks, signed P2PKH spends,
 * and a scripted CC host that records what validation asks of it.
 */
import { Transaction } from 'bitcoinjs-lib';
import { hash160, sha256 } from '../../src/crypto/hash.ts';
import { ecdsaSign, publicKeyFromPrivate, xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { p2pkhScript } from '../../src/script/builder.ts';
import type { CryptoConditionsHook } from '../../src/script/cc.ts';
import { legacySighash } from '../../src/script/sighash.ts';
import { concatBytes, toHex, utf8 } from '../../src/util/bytes.ts';
import { unwrap } from '../../src/util/errors.ts';
import type { Result } from '../../src/util/errors.ts';
import { ancestorsAppend, EMPTY_ANCESTORS } from '../../src/chain/block/ancestors.ts';
import type { AncestorsAccumulator } from '../../src/chain/block/ancestors.ts';
import type { Block, BlockHeader, BlockRef } from '../../src/chain/block/types.ts';
import { ancestorsRoot } from '../../src/chain/block/ancestors.ts';
import { signBlockHeader } from '../../src/chain/block/sign.ts';
import { buildCoinbase } from '../../src/chain/genesis.ts';
import { txMerkleRoot } from '../../src/chain/merkle.ts';
import { blockReward } from '../../src/chain/params.ts';
import { chainIdBytes } from '../../src/chain/spec/canonical.ts';
import { slotStartMs } from '../../src/chain/params.ts';
import { parseChainSpec } from '../../src/chain/spec/parse.ts';
import type { ChainSpec } from '../../src/chain/spec/types.ts';
import { applyDelta, genesisDelta, revertDelta } from '../../src/chain/state/delta.ts';
import { MemoryUtxoView } from '../../src/chain/state/memoryView.ts';
import { txidOf } from '../../src/chain/state/txid.ts';
import type { BlockDelta, Coin, OutPoint } from '../../src/chain/state/types.ts';
import { buildBlock } from '../../src/chain/validation/build.ts';
import type { BuiltBlock } from '../../src/chain/validation/build.ts';
import type { CcHostAdapter, CcRejection, CcTxContext, CcTxSession } from '../../src/chain/validation/ccAdapter.ts';
import { connectBlock } from '../../src/chain/validation/connect.ts';
import type { BlockContext } from '../../src/chain/validation/connect.ts';
import type { BlockRejection } from '../../src/chain/validation/errors.ts';
import type { MempoolContext } from '../../src/chain/mempool/mempool.ts';
import type { ScriptCache } from '../../src/chain/validation/scriptCache.ts';

/** A deterministic private key. */
export const priv = (name: string): Uint8Array => sha256(utf8(`cchost test key ${name}`));
/** Compressed public key of a named key. */
export const pub = (name: string): Uint8Array => publicKeyFromPrivate(priv(name));
/** P2PKH script of a named key. */
export const p2pkh = (name: string): Uint8Array => p2pkhScript(hash160(pub(name)));

export const COIN = 100_000_000n;
export const GENESIS_MS = 1_735_689_600_000;

/** Options of `makeSpec`. */
export interface SpecOptions {
  readonly producers?: readonly string[];
  readonly coinbaseMaturity?: number;
  readonly cc?: { readonly enabled: boolean; readonly activationHeight: number; readonly modules?: readonly unknown[] };
  readonly maxBlockBytes?: number;
  readonly maxTxBytes?: number;
  readonly reward?: string;
  readonly minRelayFeePerKb?: string;
  readonly turnLength?: number;
}

/** Genesis allocations of every test chain: alice 1000 coins (×4 outputs), bob 100, carol 10, and an OP_TRUE coin. */
export function makeSpec(o: SpecOptions = {}): ChainSpec {
  const producers = (o.producers ?? ['producer']).map((name) => ({ name, key: toHex(xOnlyPublicKeyFromPrivate(priv(name))) }));
  const json = {
    name: 'cchost-test',
    version: 1,
    genesisTimeMs: GENESIS_MS,
    allocations: [
      { script: toHex(p2pkh('alice')), amount: '1000' },
      { script: toHex(p2pkh('alice')), amount: '1000' },
      { script: toHex(p2pkh('alice')), amount: '1000' },
      { script: toHex(p2pkh('alice')), amount: '1000' },
      { script: toHex(p2pkh('bob')), amount: '100' },
      { script: toHex(p2pkh('carol')), amount: '10' },
      { script: '51', amount: '1' },
    ],
    reward: { initial: o.reward ?? '3', halvingInterval: 0, endHeight: 0 },
    minRelayFeePerKb: o.minRelayFeePerKb ?? '0.00001',
    coinbaseMaturity: o.coinbaseMaturity ?? 5,
    turnLength: o.turnLength ?? 12,
    producers,
    cc: { enabled: o.cc?.enabled ?? true, activationHeight: o.cc?.activationHeight ?? 0, modules: o.cc?.modules ?? [] },
    limits: { maxBlockBytes: o.maxBlockBytes ?? 2_000_000, maxTxBytes: o.maxTxBytes ?? 100_000 },
  };
  return unwrap(parseChainSpec(json));
}

/** An input to sign: the outpoint, the coin it spends and who signs (undefined = leave the scriptSig empty). */
export interface SpendInput {
  readonly outpoint: OutPoint;
  readonly coin: Coin;
  readonly signer?: string | undefined;
  readonly sequence?: number;
  /** Use this scriptSig as is (no signing). */
  readonly scriptSig?: Uint8Array;
}

/** Options of `spend`. */
export interface SpendOptions {
  readonly version?: number;
  readonly locktime?: number;
  readonly hashType?: number;
}

/** A transaction spending `inputs` to `outputs`, every P2PKH input signed (SIGHASH_ALL) by its signer. */
export function spend(inputs: readonly SpendInput[], outputs: readonly { script: Uint8Array; value: bigint }[], o: SpendOptions = {}): Transaction {
  const tx = new Transaction();
  tx.version = o.version ?? 1;
  tx.locktime = o.locktime ?? 0;
  for (const i of inputs) tx.addInput(Buffer.from(i.outpoint.txid), i.outpoint.vout, i.sequence ?? 0xffffffff);
  for (const out of outputs) tx.addOutput(Buffer.from(out.script), out.value);
  const ht = o.hashType ?? 1;
  inputs.forEach((inp, n) => {
    if (inp.scriptSig !== undefined) {
      tx.setInputScript(n, Buffer.from(inp.scriptSig));
      return;
    }
    if (inp.signer === undefined) return;
    const sig = concatBytes(ecdsaSign(legacySighash(tx, n, inp.coin.script, ht), priv(inp.signer)), Uint8Array.of(ht));
    const pk = pub(inp.signer);
    tx.setInputScript(n, Buffer.from(concatBytes(Uint8Array.of(sig.length), sig, Uint8Array.of(pk.length), pk)));
  });
  return tx;
}

/** An input spending output `vout` of `tx` (a coin at `height`). */
export function outOf(tx: Transaction, vout: number, signer: string | undefined, height = 1, extra: Partial<SpendInput> = {}): SpendInput {
  const o = tx.outs[vout]!;
  return { outpoint: { txid: txidOf(tx), vout }, coin: { value: o.value, script: o.script, height, coinbase: false }, signer, ...extra };
}

/** An in-memory chain: a UTXO set, headers by height, the ancestors accumulator, and block building/connection. */
export class TestChain {
  readonly view: MemoryUtxoView;
  readonly deltas: BlockDelta[] = [];
  readonly refs: BlockRef[] = [];
  readonly accs: AncestorsAccumulator[] = [];
  readonly genesis: BlockDelta;

  constructor(
    readonly spec: ChainSpec = makeSpec(),
    readonly options: { ccHost?: CcHostAdapter; scriptCache?: ScriptCache } = {},
  ) {
    this.genesis = genesisDelta(spec);
    this.view = new MemoryUtxoView(this.genesis.created);
    this.refs.push({ id: this.genesis.id, num: 0, slot: 0 });
    this.accs.push(ancestorsAppend(EMPTY_ANCESTORS, this.genesis.id));
  }

  /** Genesis output `vout` as a spend input signed by `signer`. */
  genesisInput(vout: number, signer?: string): SpendInput {
    const tx = this.genesis.block.txs[0]!;
    const o = tx.outs[vout]!;
    return { outpoint: { txid: this.genesis.txids[0]!, vout }, coin: { value: o.value, script: o.script, height: 0, coinbase: true }, signer };
  }

  get tip(): BlockRef {
    return this.refs[this.refs.length - 1]!;
  }

  get height(): number {
    return this.tip.num;
  }

  /** Time of the block at `height` (slot start). */
  readonly blockTimeAt = (height: number): number => slotStartMs(this.spec, this.refs[height]!.slot);

  /** The block context for the next block. */
  ctx(extra: Partial<BlockContext> = {}): BlockContext {
    return {
      spec: this.spec,
      parent: this.tip,
      ancestors: this.accs[this.accs.length - 1]!,
      schedule: this.spec.schedule,
      blockTimeAt: this.blockTimeAt,
      ccHost: this.options.ccHost,
      scriptCache: this.options.scriptCache,
      ...extra,
    };
  }

  /** The mempool context at the tip. */
  mempoolCtx(nowMs = 0): MempoolContext {
    return { view: this.view, tipHeight: this.height, tipTimeMs: this.blockTimeAt(this.height), blockTimeAt: this.blockTimeAt, nowMs };
  }

  /** The producer's first slot after the tip (single-producer chains: tip slot + 1 + skip). */
  nextSlot(skip = 0): number {
    return this.tip.slot + 1 + skip;
  }

  /** Builds (but does not connect) the next block with `candidates`. */
  build(candidates: readonly Transaction[], o: { slot?: number; producer?: string; producerScript?: Uint8Array; maxBlockBytes?: number } = {}): Result<BuiltBlock, BlockRejection> {
    const slot = o.slot ?? this.nextSlot();
    const producer = o.producer ?? this.spec.schedule.producers[0]!.name;
    return buildBlock({
      ...this.ctx(),
      view: this.view,
      slot,
      producer: { name: producer, privateKey: priv(producer) },
      producerScript: o.producerScript ?? p2pkh(producer),
      candidates,
      maxBlockBytes: o.maxBlockBytes,
      auxRand: new Uint8Array(32),
    });
  }

  /** Validates `block` against the tip and, when valid, applies it. */
  connect(block: Block, extra: Partial<BlockContext> = {}): Result<BlockDelta, BlockRejection> {
    const r = connectBlock(this.view, block, this.ctx(extra));
    if (r.ok) this.applyConnected(r.value);
    return r;
  }

  /** Applies a delta computed elsewhere (e.g. by `build`). */
  applyConnected(d: BlockDelta): void {
    applyDelta(this.view, d);
    this.deltas.push(d);
    this.refs.push({ id: d.id, num: d.height, slot: d.block.header.slot });
    this.accs.push(ancestorsAppend(this.accs[this.accs.length - 1]!, d.id));
  }

  /** Builds the next block from `candidates` and connects it through `connectBlock`; throws on failure. */
  mine(candidates: readonly Transaction[] = [], o: { slot?: number } = {}): BlockDelta {
    const b = this.build(candidates, o);
    if (!b.ok) throw new Error(`build failed: ${b.error.code} ${b.error.message}`);
    const r = this.connect(b.value.block);
    if (!r.ok) throw new Error(`connect failed: ${r.error.code} ${r.error.message}`);
    return r.value;
  }

  /**
   * Hand-assembles the next block: a coinbase paying `coinbaseValue` (default reward + `fees`), then
   * `txs`; `header` overrides fields before signing; `txRoot` is recomputed unless overridden;
   * `signer` signs (default the scheduled producer); `txsAfter` replaces the transaction list after
   * the root is computed (for mutation tests).
   */
  assemble(
    txs: readonly Transaction[],
    o: {
      fees?: bigint;
      coinbaseValue?: bigint;
      cbHeight?: number;
      slot?: number;
      header?: Partial<BlockHeader>;
      signer?: string;
      txsAfter?: (txs: Transaction[]) => Transaction[];
      coinbase?: Transaction;
    } = {},
  ): Block {
    const height = this.height + 1;
    const slot = o.slot ?? this.nextSlot();
    const producer = this.spec.schedule.producers[0]!.name;
    const cb = o.coinbase ?? buildCoinbase(o.cbHeight ?? height, p2pkh(producer), o.coinbaseValue ?? blockReward(this.spec, height) + (o.fees ?? 0n));
    const list = [cb, ...txs];
    const header: BlockHeader = {
      chainId: chainIdBytes(this.spec),
      num: height,
      slot,
      parent: this.tip.id,
      producer,
      activeVersion: this.spec.schedule.version,
      pendingVersion: 0,
      txRoot: txMerkleRoot(list).root,
      stateRoot: new Uint8Array(32),
      ancestorsRoot: ancestorsRoot(this.accs[this.accs.length - 1]!),
      justify: this.tip,
      finalRef: this.tip,
      producerSig: new Uint8Array(64),
      ...o.header,
    };
    const signed = signBlockHeader(header, priv(o.signer ?? header.producer), new Uint8Array(32));
    return { header: signed, txs: o.txsAfter !== undefined ? o.txsAfter(list) : list };
  }

  /** Disconnects the tip block (undo); returns its delta. */
  disconnect(): BlockDelta {
    const d = this.deltas.pop()!;
    revertDelta(this.view, d);
    this.refs.pop();
    this.accs.pop();
    return d;
  }
}

/** A CC output template with an arbitrary condition (`L ‖ C ‖ CC`), optionally with a params tail naming `evalCode`. */
export function ccScript(tag: number, evalCode?: number): Uint8Array {
  const cond = new Uint8Array(20).fill(tag);
  const base = concatBytes(Uint8Array.of(cond.length), cond, Uint8Array.of(0xcc));
  return evalCode === undefined ? base : concatBytes(base, Uint8Array.of(2, 1, evalCode, 0x75));
}

/** A CC scriptSig of the B3 form: push(F‖h) with a 5-byte dummy fulfillment. */
export const CC_SCRIPTSIG = Uint8Array.of(5, 0xa0, 0x03, 0x80, 0x01, 0x01);

/** What the scripted CC host saw. */
export interface CcCall {
  readonly mode: string;
  readonly height: number;
  readonly txid: Uint8Array;
  readonly hooked: number[];
  readonly reused: number[];
  finished: boolean;
  readonly ctx: CcTxContext;
}

/**
 * A CC host for tests: every fulfillment passes (returning `info = {input}`), `reuseInput` accepts,
 * and `finish` returns `verdict(call)` (default ok). It records every transaction it is asked about.
 */
export class ScriptedCcHost implements CcHostAdapter {
  readonly calls: CcCall[] = [];
  verdict: (call: CcCall) => Result<void, CcRejection> = () => ({ ok: true, value: undefined });
  supportReuse = true;
  spendResult: 'ok' | 'CC_SIG' = 'ok';

  beginTransaction(_tx: Transaction, _spent: readonly Coin[], ctx: CcTxContext): CcTxSession {
    const call: CcCall = { mode: ctx.mode, height: ctx.height, txid: ctx.txid, hooked: [], reused: [], finished: false, ctx };
    this.calls.push(call);
    const host = this;
    const session: CcTxSession = {
      hookForInput(i: number): CryptoConditionsHook {
        return {
          checkSpend: () => {
            call.hooked.push(i);
            return host.spendResult === 'ok' ? { ok: true, info: { input: i } } : { ok: false, error: 'CC_SIG' };
          },
        };
      },
      finish() {
        call.finished = true;
        return host.verdict(call);
      },
    };
    if (this.supportReuse) {
      session.reuseInput = (i: number) => {
        call.reused.push(i);
        return true;
      };
    }
    return session;
  }
}
