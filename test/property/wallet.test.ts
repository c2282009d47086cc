/**
 * Wallet builder property: for random coin sets (P2PKH and P2PK of several keys, confirmed and
 * unconfirmed, block rewards mature or not, some already spent in the mempool), random payments,
 * optional OP_RETURN data, fee subtraction and fee rates, the builder either returns a transaction that
 * the real mempool accepts (so it verifies and pays inputs ≥ outputs + fee ≥ the minimum relay fee) and
 * that spends only spendable coins, or fails with a typed error that is true: insufficient funds only
 * when no set of spendable coins could pay, dust only for an output below the dust threshold.
 * Runs: CCHOST_FUZZ_RUNS (default 150); seed: CCHOST_FUZZ_SEED (printed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkTransaction, legacyTxSize } from '../../src/chain/checkTransaction.ts';
import { Mempool } from '../../src/chain/mempool/mempool.ts';
import { dustThreshold, feeForSize } from '../../src/chain/mempool/policy.ts';
import { parseChainSpec } from '../../src/chain/spec/parse.ts';
import type { ChainSpec } from '../../src/chain/spec/types.ts';
import { MemoryUtxoView } from '../../src/chain/state/memoryView.ts';
import { outpointKeyFast } from '../../src/chain/state/key.ts';
import type { Coin, OutPoint } from '../../src/chain/state/types.ts';
import { isImmatureCoinbase } from '../../src/chain/validation/inputs.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { Keystore, MemoryCoinSource, Wallet, WalletErrorCode, keyP2pkScript, keyP2pkhScript } from '../../src/wallet/index.ts';

const RUNS = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 150);
const SEED = Number(process.env['CCHOST_FUZZ_SEED'] ?? Date.now() % 2_147_483_647);
const TIP = 200;
const MATURITY = 20;
const MEMPOOL_HEIGHT = 0x7fffffff;

function spec(minRelay: string): ChainSpec {
  const r = parseChainSpec({
    name: 'wallet-prop',
    genesisTimeMs: 1_735_689_600_000,
    allocations: [],
    producers: [{ name: 'p', key: toHex(xOnlyPublicKeyFromPrivate(sha256(utf8('producer')))) }],
    coinbaseMaturity: MATURITY,
    minRelayFeePerKb: minRelay,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const SPECS = [spec('0'), spec('0.00001'), spec('0.00012345')];

const coinArb = fc.record({
  value: fc.oneof(
    { arbitrary: fc.bigInt({ min: 1n, max: 2_000n }), weight: 1 },
    { arbitrary: fc.bigInt({ min: 1n, max: 5_000_000n }), weight: 2 },
    { arbitrary: fc.bigInt({ min: 1n, max: 1_000_000_000n }), weight: 3 },
  ),
  key: fc.nat({ max: 2 }),
  p2pk: fc.boolean(),
  /** Height: 0 (genesis), a block near or far from the tip, or the mempool. */
  height: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: TIP }), fc.integer({ min: TIP - MATURITY, max: TIP }), fc.constant(MEMPOOL_HEIGHT)),
  coinbase: fc.boolean(),
  spentInMempool: fc.boolean(),
});

const caseArb = fc.record({
  coins: fc.array(coinArb, { minLength: 0, maxLength: 12 }),
  payments: fc.array(
    fc.oneof(
      { arbitrary: fc.bigInt({ min: 1n, max: 3_000n }), weight: 1 },
      { arbitrary: fc.bigInt({ min: 1_000n, max: 50_000_000n }), weight: 4 },
      { arbitrary: fc.bigInt({ min: 1n, max: 3_000_000_000n }), weight: 1 },
    ),
    { minLength: 1, maxLength: 3 },
  ),
  data: fc.option(fc.uint8Array({ minLength: 0, maxLength: 80 }), { nil: undefined }),
  subtract: fc.boolean(),
  /** A coin just above the first payment (exact matches and folded dust change happen here). */
  near: fc.option(fc.bigInt({ min: 0n, max: 3_000n }), { nil: undefined }),
  spec: fc.nat({ max: SPECS.length - 1 }),
  extraRate: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 50_000n })),
});

test('builder property: a relay-valid transaction spending only spendable coins, or a true typed error', () => {
  console.log(`wallet builder property: ${RUNS} runs, seed ${SEED}`);
  const tally = { built: 0, insufficient: 0, dust: 0 };
  fc.assert(
    fc.property(caseArb, (c) => {
      const chain = SPECS[c.spec]!;
      const keystore = Keystore.inMemory({ prefixes: chain.prefixes, seed: sha256(utf8('prop wallet')) });
      const keys = [keystore.getNewAddress(), keystore.getNewAddress(), keystore.getNewAddress()];
      const source = new MemoryCoinSource(TIP);
      const view = new MemoryUtxoView();
      const spendable = new Map<string, Coin>();
      c.coins.forEach((k, i) => {
        const key = keys[k.key]!;
        const outpoint: OutPoint = { txid: sha256(utf8(`coin ${i}`)), vout: i };
        const inPool = k.height === MEMPOOL_HEIGHT;
        const coin: Coin = { value: k.value, script: k.p2pk ? keyP2pkScript(key) : keyP2pkhScript(key), height: k.height, coinbase: k.coinbase && !inPool };
        source.add(outpoint, coin);
        if (k.spentInMempool) source.markSpentInMempool(outpoint);
        // The mempool's view: chain coins, plus unconfirmed ones as if their parents were confirmed at the tip.
        view.addCoin(outpoint, inPool ? { ...coin, height: TIP } : coin);
        if (!k.spentInMempool && !isImmatureCoinbase(coin, TIP + 1, MATURITY)) spendable.set(outpointKeyFast(outpoint), coin);
      });
      if (c.near !== undefined) {
        const outpoint: OutPoint = { txid: sha256(utf8('near coin')), vout: 0 };
        const coin: Coin = { value: c.payments[0]! + c.near, script: keyP2pkhScript(keys[0]!), height: 1, coinbase: false };
        source.add(outpoint, coin);
        view.addCoin(outpoint, coin);
        spendable.set(outpointKeyFast(outpoint), coin);
      }
      const wallet = new Wallet({ keystore, source, chain });
      const recipient = Keystore.inMemory({ prefixes: chain.prefixes, seed: sha256(utf8('recipient')) }).getNewAddress().address;
      const rate = chain.minRelayFeePerKb + c.extraRate;
      const dustRate = 3n * chain.minRelayFeePerKb;
      const outputs = [
        ...c.payments.map((amount) => ({ address: recipient, amount })),
        ...(c.data !== undefined ? [{ data: c.data }] : []),
      ];
      const r = wallet.createTransaction({ outputs, feePerKb: rate, ...(c.subtract ? { subtractFeeFrom: [0] } : {}) });
      const pay = c.payments.reduce((s, v) => s + v, 0n);
      const p2pkhDust = dustThreshold(keyP2pkhScript(keys[0]!), dustRate);

      if (!r.ok) {
        if (r.error.code === WalletErrorCode.AMOUNT_DUST) {
          tally.dust++;
          const i = r.error['output'] as number;
          const fee = r.error['fee'] !== undefined ? BigInt(r.error['fee'] as string) : 0n;
          assert.ok(c.payments[i]! - fee < p2pkhDust, 'dust only for an output below the threshold (after its fee share)');
          return;
        }
        assert.equal(r.error.code, WalletErrorCode.INSUFFICIENT_FUNDS, `${r.error.code}: ${r.error.message}`);
        tally.insufficient++;
        // No set of spendable coins pays: the coins worth more than their own input's fee, all of them
        // together, fall short of the payments plus the fee of the rest of the transaction.
        let best = 0n;
        // Input bytes with a worst-case signature: P2PKH 36 + 1 + 107 + 4, P2PK 36 + 1 + 73 + 4.
        for (const coin of spendable.values()) {
          const ev = coin.value * 1000n - (c.subtract ? 0n : rate * BigInt(coin.script.length === 25 ? 148 : 114));
          if (ev > 0n) best += ev;
        }
        const outBytes = outputs.length === 0 ? 0 : legacyOutputsSize(outputs.length, c.data);
        const target = pay * 1000n + (c.subtract ? 0n : rate * BigInt(10 + outBytes));
        assert.ok(best < target, `insufficient funds reported, but spendable coins give ${best} ≥ ${target} (thousandths of a satoshi)`);
        assert.ok(BigInt(r.error['available'] as string) < BigInt(r.error['needed'] as string));
        return;
      }

      tally.built++;
      const b = r.value;
      assert.ok(checkTransaction(b.tx).ok);
      let inSum = 0n;
      for (const s of b.spent) {
        const coin = spendable.get(outpointKeyFast(s.outpoint));
        assert.ok(coin !== undefined, 'only spendable coins are spent (not immature, not spent in the mempool)');
        inSum += coin.value;
      }
      const outSum = b.tx.outs.reduce((s, o) => s + o.value, 0n);
      const size = legacyTxSize(b.tx);
      assert.equal(inSum - outSum, b.fee);
      assert.ok(b.fee >= feeForSize(rate, size), 'fee ≥ rate × final size');
      if (c.subtract) {
        assert.equal(b.tx.outs[0]!.value, c.payments[0]! - (b.fee - (b.changeIndex < 0 ? inSum - pay : 0n)), 'the first output paid the fee');
      } else {
        c.payments.forEach((v, i) => assert.equal(b.tx.outs[i]!.value, v));
        // Nothing worth a change output was thrown away: without change, the fee is below what a change output would have cost plus its dust minimum.
        if (b.changeIndex < 0) assert.ok(b.fee < feeForSize(rate, size + 34 + 2 * b.tx.ins.length) + p2pkhDust + 1n);
      }
      if (b.changeIndex >= 0) assert.ok(b.tx.outs[b.changeIndex]!.value >= p2pkhDust);
      const pool = new Mempool({ spec: chain });
      const acc = pool.accept(b.tx, { view, tipHeight: TIP, tipTimeMs: chain.genesisTimeMs + TIP * 500, blockTimeAt: (h) => chain.genesisTimeMs + h * 500 });
      assert.ok(acc.ok, `mempool: ${acc.ok ? '' : JSON.stringify(acc.error)}`);
      assert.equal(acc.value.fee, b.fee);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  console.log(`wallet builder property: ${tally.built} built, ${tally.insufficient} insufficient funds, ${tally.dust} dust`);
  assert.ok(tally.built > 0 && tally.insufficient > 0, 'both outcomes occur');
});

/** Bytes of the outputs (P2PKH payments, the OP_RETURN), plus a change output, as the builder counts them without inputs. */
function legacyOutputsSize(n: number, data: Uint8Array | undefined): number {
  const payments = (data !== undefined ? n - 1 : n) * 34;
  const dataLen = data === undefined ? 0 : 1 + (data.length < 0x4c ? 1 : 2) + data.length;
  return payments + (data !== undefined ? 8 + 1 + dataLen : 0);
}
