/**
 * Building and signing: every built transaction verifies input by input with verifyScript under the
 * STANDARD flags, passes checkTransaction, pays at least the minimum relay fee for its final size, and
 * is accepted by the real mempool. Cases: change to a new key, exact match, dust folded into the fee,
 * immature rewards and mempool-spent coins skipped, insufficient funds, P2PK coins, OP_RETURN data,
 * fee subtracted from the amount, a `from` key, typed input errors, CC inputs through a signer and hook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transaction } from 'bitcoinjs-lib';
import { checkTransaction, legacyTxSize } from '../../src/chain/checkTransaction.ts';
import { Mempool } from '../../src/chain/mempool/mempool.ts';
import { feeForSize } from '../../src/chain/mempool/policy.ts';
import { parseChainSpec } from '../../src/chain/spec/parse.ts';
import type { ChainSpec } from '../../src/chain/spec/types.ts';
import { MemoryUtxoView } from '../../src/chain/state/memoryView.ts';
import type { Coin, OutPoint } from '../../src/chain/state/types.ts';
import { encodeAddress } from '../../src/crypto/address.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { pushData } from '../../src/script/builder.ts';
import type { CryptoConditionsHook } from '../../src/script/cc.ts';
import { TransactionSignatureChecker } from '../../src/script/checker.ts';
import { SCRIPT_VERIFY_CRYPTOCONDITIONS, STANDARD_SCRIPT_VERIFY_FLAGS } from '../../src/script/flags.ts';
import { createSpendHook } from '../../src/cc/host/hook.ts';
import { cc1of1 } from '../../src/cc/sdk/builders.ts';
import { ccOutputScript } from '../../src/cc/sdk/script.ts';
import { verifyScript } from '../../src/script/interpreter.ts';
import { OP } from '../../src/script/opcodes.ts';
import { concatBytes, equalBytes, fromHex, toHex, utf8 } from '../../src/util/bytes.ts';
import {
  Keystore,
  MemoryCoinSource,
  Wallet,
  WalletErrorCode,
  indexCoinSource,
  keyP2pkScript,
  keyP2pkhScript,
  walletCcSigner,
} from '../../src/wallet/index.ts';
import type { BuiltTransaction, CcInputSigner, WalletError, WalletKey } from '../../src/wallet/index.ts';

const COIN = 100_000_000n;
const SEED = fromHex('22'.repeat(32));

function makeSpec(o: { maturity?: number; maxTxBytes?: number; minRelay?: string } = {}): ChainSpec {
  const r = parseChainSpec({
    name: 'wallet-test',
    genesisTimeMs: 1_735_689_600_000,
    allocations: [],
    producers: [{ name: 'p', key: toHex(xOnlyPublicKeyFromPrivate(sha256(utf8('producer')))) }],
    coinbaseMaturity: o.maturity ?? 10,
    minRelayFeePerKb: o.minRelay ?? '0.00001',
    limits: { maxBlockBytes: 2_000_000, maxTxBytes: o.maxTxBytes ?? 100_000 },
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** A wallet over an in-memory chain (coin source and UTXO view kept in step) with a real mempool. */
class World {
  readonly spec: ChainSpec;
  readonly keystore: Keystore;
  readonly source: MemoryCoinSource;
  readonly view = new MemoryUtxoView();
  readonly mempool: Mempool;
  readonly wallet: Wallet;
  private n = 0;

  constructor(spec = makeSpec(), seed = SEED, tipHeight = 100) {
    this.spec = spec;
    this.keystore = Keystore.inMemory({ prefixes: spec.prefixes, seed });
    this.source = new MemoryCoinSource(tipHeight);
    this.mempool = new Mempool({ spec });
    this.wallet = new Wallet({ keystore: this.keystore, source: this.source, chain: spec });
  }

  /** Adds a confirmed coin paying `script`. */
  fund(script: Uint8Array, value: bigint, o: { height?: number; coinbase?: boolean } = {}): OutPoint {
    const txid = sha256(utf8(`funding ${++this.n}`));
    const outpoint = { txid, vout: this.n % 3 };
    const coin: Coin = { value, script, height: o.height ?? 1, coinbase: o.coinbase ?? false };
    this.source.add(outpoint, coin);
    this.view.addCoin(outpoint, coin);
    return outpoint;
  }

  /** Offers a transaction to the mempool; on success the coin source follows it. */
  accept(tx: Transaction): void {
    const r = this.mempool.accept(tx, {
      view: this.view,
      tipHeight: this.source.tipHeight,
      tipTimeMs: this.spec.genesisTimeMs + this.source.tipHeight * 500,
      blockTimeAt: (h) => this.spec.genesisTimeMs + h * 500,
      nowMs: 0,
    });
    assert.ok(r.ok, `mempool rejected the built transaction: ${r.ok ? '' : JSON.stringify(r.error)}`);
    this.source.apply(tx, 'mempool');
  }
}

/** A destination outside the wallet. */
function foreign(spec: ChainSpec, tag = 'x'): { key: WalletKey; address: string } {
  const key = Keystore.inMemory({ prefixes: spec.prefixes, seed: sha256(utf8(`foreign ${tag}`)) }).getNewAddress();
  return { key, address: key.address };
}

/** The consensus/policy facts every built transaction must satisfy. */
function assertValid(w: World, b: BuiltTransaction): void {
  const tx = b.tx;
  assert.ok(checkTransaction(tx).ok, 'checkTransaction');
  assert.equal(b.spent.length, tx.ins.length);
  let inSum = 0n;
  for (let i = 0; i < tx.ins.length; i++) {
    const coin = b.spent[i]!.coin;
    inSum += coin.value;
    assert.ok(equalBytes(tx.ins[i]!.hash, b.spent[i]!.outpoint.txid));
    const r = verifyScript(tx.ins[i]!.script, coin.script, STANDARD_SCRIPT_VERIFY_FLAGS, new TransactionSignatureChecker(tx, i));
    assert.ok(r.ok, `input ${i}: ${r.ok ? '' : r.error}`);
  }
  const outSum = tx.outs.reduce((s, o) => s + o.value, 0n);
  assert.equal(inSum - outSum, b.fee, 'fee = inputs − outputs');
  const size = legacyTxSize(tx);
  assert.equal(b.size, size);
  assert.ok(b.fee >= feeForSize(w.spec.minRelayFeePerKb, size), `fee ${b.fee} ≥ min relay fee for ${size} bytes`);
  assert.equal(toHex(b.txid), toHex(Uint8Array.from(tx.getHash())));
}

function expectOk(r: { ok: true; value: BuiltTransaction } | { ok: false; error: WalletError }): BuiltTransaction {
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.value;
}

function expectErr(r: { ok: true; value: BuiltTransaction } | { ok: false; error: WalletError }, code: string): WalletError {
  assert.ok(!r.ok, `expected ${code}, got a transaction`);
  assert.equal(r.error.code, code, r.error.message);
  return r.error;
}

/** Size of a 1-input (P2PKH, worst-case signature) 1-output (P2PKH) transaction: 8 + 1 + 1 + 148 + 34. */
const ONE_IN_ONE_OUT = 192;

test('sendToAddress: pays the recipient, sends change to a new stored wallet key, verifies, and the mempool accepts it', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(me), 10n * COIN);
  const to = foreign(w.spec);
  const b = expectOk(w.wallet.sendToAddress(to.address, 3n * COIN));
  assertValid(w, b);
  assert.equal(b.tx.outs.length, 2);
  assert.ok(equalBytes(b.tx.outs[0]!.script, keyP2pkhScript(to.key)));
  assert.equal(b.tx.outs[0]!.value, 3n * COIN);
  assert.equal(b.changeIndex, 1);
  const change = w.keystore.findKey(b.changeAddress!);
  assert.ok(change !== undefined, 'the change key is stored');
  assert.equal(change.origin, 'change');
  assert.notEqual(change.address, me.address);
  assert.equal(b.tx.outs[1]!.value, 7n * COIN - b.fee);
  // The fee is the rate applied to the worst-case size, which the signed size never exceeds.
  assert.equal(b.fee, feeForSize(w.spec.minRelayFeePerKb, 226));
  w.accept(b.tx);
  assert.equal(w.wallet.getBalance(), 7n * COIN - b.fee);
  assert.equal(w.wallet.getBalance(1), 0n);
});

test('exact match: a coin equal to amount + fee is spent alone with no change output', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  const fee = feeForSize(w.spec.minRelayFeePerKb, ONE_IN_ONE_OUT);
  w.fund(keyP2pkhScript(me), 50n * COIN);
  const exact = w.fund(keyP2pkhScript(me), COIN + fee);
  w.fund(keyP2pkhScript(me), 2n * COIN);
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, COIN));
  assertValid(w, b);
  assert.equal(b.tx.ins.length, 1);
  assert.ok(equalBytes(b.spent[0]!.outpoint.txid, exact.txid));
  assert.equal(b.changeIndex, -1);
  assert.equal(b.fee, fee);
  assert.equal(w.keystore.keys().length, 1, 'no change key was stored');
  w.accept(b.tx);
});

test('dust folding: change below the dust threshold is added to the fee instead of creating an output', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  const fee = feeForSize(w.spec.minRelayFeePerKb, ONE_IN_ONE_OUT);
  w.fund(keyP2pkhScript(me), COIN + fee + 300n);
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, COIN));
  assertValid(w, b);
  assert.equal(b.tx.outs.length, 1);
  assert.equal(b.fee, fee + 300n);
  w.accept(b.tx);
  // 1 satoshi more than dust + the change output's fee does make change.
  const w2 = new World();
  const me2 = w2.keystore.getNewAddress();
  w2.fund(keyP2pkhScript(me2), COIN + feeForSize(w2.spec.minRelayFeePerKb, ONE_IN_ONE_OUT + 34) + 546n);
  const b2 = expectOk(w2.wallet.sendToAddress(foreign(w2.spec).address, COIN));
  assertValid(w2, b2);
  assert.equal(b2.changeIndex, 1);
  assert.equal(b2.tx.outs[1]!.value, 546n);
  w2.accept(b2.tx);
});

test('maturity: immature block rewards are skipped; genesis allocations (height 0) and mature rewards are spendable', () => {
  const w = new World(makeSpec({ maturity: 10 }), SEED, 100);
  const me = w.keystore.getNewAddress();
  const immature = w.fund(keyP2pkhScript(me), 100n * COIN, { height: 95, coinbase: true }); // spendable from 105
  const genesis = w.fund(keyP2pkhScript(me), 2n * COIN, { height: 0, coinbase: true });
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, COIN));
  assertValid(w, b);
  assert.deepEqual(b.spent.map((s) => toHex(s.outpoint.txid)), [toHex(genesis.txid)]);
  assert.ok(!b.spent.some((s) => equalBytes(s.outpoint.txid, immature.txid)));
  w.accept(b.tx);
  const bal = w.wallet.getBalances();
  assert.equal(bal.immature, 100n * COIN);

  const e = expectErr(w.wallet.sendToAddress(foreign(w.spec).address, 50n * COIN), WalletErrorCode.INSUFFICIENT_FUNDS);
  assert.match(e.message, /100 in immature block rewards/);
  assert.equal(e['immature'], (100n * COIN).toString());

  // At height 104 the reward (height 95, maturity 10) is spendable in the next block, 105.
  w.source.tipHeight = 104;
  const b2 = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, 50n * COIN));
  assert.ok(b2.spent.some((s) => equalBytes(s.outpoint.txid, immature.txid)));
});

test('mempool: coins spent by a pooled transaction are not selected again; its unconfirmed change is, when confirmed coins do not suffice', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  const a = w.fund(keyP2pkhScript(me), 5n * COIN);
  const b1 = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, COIN));
  w.accept(b1.tx);
  assert.equal(w.wallet.coins().coins.find((c) => equalBytes(c.outpoint.txid, a.txid))?.status, 'spent-in-mempool');
  const bFund = w.fund(keyP2pkhScript(me), 2n * COIN);
  // Confirmed coins first: the new 2-coin output pays for 1 coin, not the unconfirmed change.
  const b2 = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, COIN));
  assert.deepEqual(b2.spent.map((s) => toHex(s.outpoint.txid)), [toHex(bFund.txid)]);
  w.accept(b2.tx);
  // Now only unconfirmed change is left: it is spent (a chain of unconfirmed transactions).
  const b3 = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, 3n * COIN));
  assert.ok(b3.spent.every((s) => !equalBytes(s.outpoint.txid, a.txid) && !equalBytes(s.outpoint.txid, bFund.txid)));
  assertValid(w, b3);
  w.accept(b3.tx);
  // minConf 1 refuses unconfirmed coins.
  expectErr(w.wallet.createTransaction({ outputs: [{ address: foreign(w.spec).address, amount: COIN }], minConf: 1 }), WalletErrorCode.INSUFFICIENT_FUNDS);
});

test('insufficient funds: needed and available are reported in satoshis and nothing is stored', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(me), COIN);
  w.fund(keyP2pkhScript(me), COIN);
  const e = expectErr(w.wallet.sendToAddress(foreign(w.spec).address, 2n * COIN), WalletErrorCode.INSUFFICIENT_FUNDS);
  assert.equal(e['available'], (2n * COIN).toString());
  assert.ok(BigInt(e['needed'] as string) > 2n * COIN);
  assert.match(e.message, /insufficient funds/);
  assert.equal(w.keystore.keys().length, 1, 'no change key was stored');
  // Subtracting the fee from the amount makes the same payment possible.
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, 2n * COIN, { subtractFeeFromAmount: true }));
  assertValid(w, b);
  assert.equal(b.tx.outs.length, 1);
  assert.equal(b.tx.outs[0]!.value, 2n * COIN - b.fee);
  w.accept(b.tx);
});

test('P2PK: a pay-to-pubkey coin of a wallet key is spent with a signature-only scriptSig', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  const p2pk = w.fund(keyP2pkScript(me), 4n * COIN);
  assert.equal(w.wallet.coins().coins[0]!.scriptKind, 'p2pk');
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, 3n * COIN));
  assertValid(w, b);
  assert.ok(equalBytes(b.spent[0]!.outpoint.txid, p2pk.txid));
  const sig = b.tx.ins[0]!.script;
  assert.equal(sig[0], sig.length - 1, 'one push: the signature with its hash type');
  assert.equal(sig[sig.length - 1], 0x01, 'SIGHASH_ALL');
  w.accept(b.tx);
});

test('OP_RETURN: data outputs carry their pushes, stay after the change output, and relay', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(me), 10n * COIN);
  const data = utf8('cchost wallet test');
  const b = expectOk(
    w.wallet.createTransaction({ outputs: [{ address: foreign(w.spec).address, amount: COIN }, { data: [data, Uint8Array.of(7)] }] }),
  );
  assertValid(w, b);
  assert.equal(b.tx.outs.length, 3);
  assert.equal(b.changeIndex, 1);
  assert.ok(equalBytes(b.tx.outs[2]!.script, concatBytes(Uint8Array.of(OP.OP_RETURN), pushData(data), pushData(Uint8Array.of(7)))));
  assert.equal(b.tx.outs[2]!.value, 0n);
  w.accept(b.tx);
  // A data-only transaction pays just the fee.
  const d = expectOk(w.wallet.createTransaction({ outputs: [{ data }] }));
  assertValid(w, d);
  assert.equal(d.tx.outs[d.tx.outs.length - 1]!.script[0], OP.OP_RETURN);
  w.accept(d.tx);
  const big = w.wallet.createTransaction({ outputs: [{ data: new Uint8Array(10_000) }] });
  expectErr(big, WalletErrorCode.BAD_REQUEST);
});

test('subtract fee: the recipients pay the fee, split equally with the remainder from the first', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(me), 10n * COIN);
  const a = foreign(w.spec, 'a').address;
  const c = foreign(w.spec, 'c').address;
  const b = expectOk(w.wallet.createTransaction({ outputs: [{ address: a, amount: COIN }, { address: c, amount: COIN }], subtractFeeFrom: [0, 1] }));
  assertValid(w, b);
  const share = b.fee / 2n;
  assert.equal(b.tx.outs[0]!.value, COIN - share - (b.fee % 2n));
  assert.equal(b.tx.outs[1]!.value, COIN - share);
  assert.equal(b.tx.outs[2]!.value, 8n * COIN, 'the change is exact: the wallet pays no fee');
  w.accept(b.tx);
  const e = expectErr(w.wallet.sendToAddress(a, 600n, { subtractFeeFromAmount: true }), WalletErrorCode.AMOUNT_DUST);
  assert.equal(e['output'], 0);
  expectErr(w.wallet.createTransaction({ outputs: [{ address: a, amount: COIN }], subtractFeeFrom: [1] }), WalletErrorCode.BAD_REQUEST);
});

test('from: only that key funds the transaction and the change returns to its address', () => {
  const w = new World();
  const k1 = w.keystore.getNewAddress();
  const k2 = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(k1), 100n * COIN);
  const small = w.fund(keyP2pkhScript(k2), 3n * COIN);
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, 2n * COIN, { from: k2.address }));
  assertValid(w, b);
  assert.ok(equalBytes(b.spent[0]!.outpoint.txid, small.txid));
  assert.equal(b.changeAddress, k2.address);
  assert.equal(w.keystore.keys().length, 2, 'no new change key');
  expectErr(w.wallet.sendToAddress(foreign(w.spec).address, 5n * COIN, { from: toHex(k2.publicKey) }), WalletErrorCode.INSUFFICIENT_FUNDS);
  expectErr(w.wallet.sendToAddress(foreign(w.spec).address, COIN, { from: foreign(w.spec).address }), WalletErrorCode.UNKNOWN_KEY);
  w.accept(b.tx);
});

test('input errors: another chain\'s address, zero, negative and too-large amounts, dust, a fee rate below the minimum', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(me), 10n * COIN);
  const btc = encodeAddress('pubkeyhash', me.pubkeyHash, { pubKeyHash: 0x00, scriptHash: 0x05, wif: 0x80 });
  const e = expectErr(w.wallet.sendToAddress(btc, COIN), WalletErrorCode.BAD_ADDRESS);
  assert.match(e.message, /expected 0x3c \("R\.\.\."\)/);
  assert.equal(e['reason'], 'prefix');
  expectErr(w.wallet.sendToAddress('Rnotanaddress', COIN), WalletErrorCode.BAD_ADDRESS);
  expectErr(w.wallet.sendToAddress(me.address, 0n), WalletErrorCode.BAD_AMOUNT);
  expectErr(w.wallet.sendToAddress(me.address, -5n), WalletErrorCode.BAD_AMOUNT);
  expectErr(w.wallet.sendToAddress(me.address, 21_000_001n * COIN), WalletErrorCode.BAD_AMOUNT);
  const d = expectErr(w.wallet.sendToAddress(me.address, 545n), WalletErrorCode.AMOUNT_DUST);
  assert.equal(d['minimum'], '546');
  expectOk(w.wallet.sendToAddress(me.address, 546n));
  expectErr(w.wallet.sendToAddress(me.address, COIN, { feePerKb: 999n }), WalletErrorCode.BAD_FEE_RATE);
  expectErr(w.wallet.createTransaction({ outputs: [] }), WalletErrorCode.BAD_REQUEST);
  expectErr(w.wallet.createTransaction({ outputs: [{ script: Uint8Array.of(OP.OP_NOP), amount: COIN }] }), WalletErrorCode.BAD_REQUEST);
});

test('fee rate: a higher rate raises the fee to ceil(size × rate / 1000) of the worst-case size', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(me), 10n * COIN);
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, COIN, { feePerKb: 12_345n }));
  assertValid(w, b);
  assert.equal(b.fee, feeForSize(12_345n, 226));
  assert.ok(b.fee >= feeForSize(12_345n, b.size));
  w.accept(b.tx);
});

test('many inputs: small coins are gathered, each signed; beyond the size limit the error is WALLET_TX_TOO_LARGE', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  for (let i = 0; i < 40; i++) w.fund(keyP2pkhScript(me), 10_000_000n);
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, 35n * 10_000_000n));
  assertValid(w, b);
  assert.equal(b.tx.ins.length, 36);
  assert.ok(b.fee >= feeForSize(w.spec.minRelayFeePerKb, b.size));
  w.accept(b.tx);

  const small = new World(makeSpec({ maxTxBytes: 1_000 }));
  const k = small.keystore.getNewAddress();
  for (let i = 0; i < 10; i++) small.fund(keyP2pkhScript(k), COIN);
  expectOk(small.wallet.sendToAddress(foreign(small.spec).address, 5n * COIN));
  const e = expectErr(small.wallet.sendToAddress(foreign(small.spec).address, 8n * COIN), WalletErrorCode.TX_TOO_LARGE);
  assert.match(String(e.hint), /consolidate/);
});

test('determinism: two wallets with the same seed and coins build byte-identical transactions', () => {
  const build = (): string => {
    const w = new World();
    const me = w.keystore.getNewAddress();
    w.fund(keyP2pkhScript(me), 3n * COIN);
    w.fund(keyP2pkhScript(me), 7n * COIN);
    return expectOk(w.wallet.sendToAddress(foreign(w.spec).address, 4n * COIN)).tx.toHex();
  };
  assert.equal(build(), build());
});

test('listUnspent and balances: statuses, confirmation bounds and the address filter', () => {
  const w = new World(makeSpec({ maturity: 10 }), SEED, 50);
  const k1 = w.keystore.getNewAddress();
  const k2 = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(k1), COIN, { height: 10 });
  w.fund(keyP2pkhScript(k2), 2n * COIN, { height: 50 });
  w.fund(keyP2pkhScript(k2), 4n * COIN, { height: 48, coinbase: true });
  w.fund(keyP2pkhScript(foreign(w.spec).key), 8n * COIN);
  const all = w.wallet.listUnspent();
  assert.ok(all.ok);
  assert.deepEqual(all.value.map((c) => [c.coin.value, c.confirmations]), [[COIN, 41], [2n * COIN, 1]]);
  const recent = w.wallet.listUnspent({ maxConf: 5 });
  assert.ok(recent.ok && recent.value.length === 1);
  const mine = w.wallet.listUnspent({ addresses: [k1.address] });
  assert.ok(mine.ok && mine.value.length === 1 && mine.value[0]!.owner.address === k1.address && !('privateKey' in mine.value[0]!.owner));
  assert.equal(w.wallet.getBalance(), 3n * COIN);
  assert.equal(w.wallet.getBalance(2), COIN);
  assert.deepEqual(w.wallet.getBalances(), { spendable: 3n * COIN, confirmed: 3n * COIN, unconfirmed: 0n, immature: 4n * COIN, spentInMempool: 0n });
  const bad = w.wallet.listUnspent({ addresses: ['nope'] });
  assert.ok(!bad.ok && bad.error.code === WalletErrorCode.BAD_ADDRESS);
});

test('indexCoinSource: confirmed coins from the address index are flagged when the mempool spends them, and pool outputs to wallet keys appear unconfirmed', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  const op = w.fund(keyP2pkhScript(me), 5n * COIN);
  const b = expectOk(w.wallet.sendToAddress(foreign(w.spec).address, COIN));
  w.accept(b.tx);
  const confirmed = w.source.entries().filter((e) => e.coin.height !== 0x7fffffff);
  const src = indexCoinSource({
    tipHeight: () => 100,
    addressUtxos: (k) => confirmed.filter((e) => equalBytes(e.coin.script.subarray(3, 23), k.hash)),
    mempool: w.mempool,
  });
  const wallet = new Wallet({ keystore: w.keystore, source: src, chain: w.spec });
  const coins = wallet.coins().coins;
  assert.equal(coins.find((c) => equalBytes(c.outpoint.txid, op.txid))?.status, 'spent-in-mempool');
  const change = coins.find((c) => equalBytes(c.outpoint.txid, b.txid));
  assert.ok(change !== undefined);
  assert.equal(change.confirmations, 0);
  assert.equal(change.coin.value, 4n * COIN - b.fee);
  assert.equal(wallet.getBalance(), 4n * COIN - b.fee);
});

// ---- CC inputs: a fixed input signed by a CcInputSigner and verified through a CC hook ----

const CONDITION = sha256(utf8('a stand-in condition')).subarray(0, 30);
const CC_SCRIPT = concatBytes(Uint8Array.of(CONDITION.length), CONDITION, Uint8Array.of(OP.OP_CHECKCRYPTOCONDITION));
const FULFILLMENT = utf8('fulfilled!');

/** A signer that writes the B3 form push(F ‖ 01). */
const ccSigner: CcInputSigner = {
  maxScriptSigSize: () => 1 + FULFILLMENT.length + 1,
  signInput: () => pushData(concatBytes(FULFILLMENT, Uint8Array.of(1))),
};

/** A hook that accepts exactly FULFILLMENT for CONDITION, and records what it was asked. */
function hook(seen: number[]): (tx: Transaction, i: number) => CryptoConditionsHook {
  return (_tx, i) => ({
    checkSpend: (req) => {
      seen.push(i);
      const f = req.fulfillment.subarray(0, req.fulfillment.length - 1);
      return equalBytes(f, FULFILLMENT) && equalBytes(req.template.condition, CONDITION) ? { ok: true } : { ok: false, error: 'CC_MISMATCH' };
    },
  });
}

test('CC input: a fixed CC input is signed by its CcInputSigner, placed first, funded by wallet coins and verified through the hook', () => {
  const w = new World();
  const me = w.keystore.getNewAddress();
  w.fund(keyP2pkhScript(me), 2n * COIN);
  const ccOp = { txid: sha256(utf8('cc coin')), vout: 0 };
  const ccCoin: Coin = { value: 10_000n, script: CC_SCRIPT, height: 5, coinbase: false };
  const seen: number[] = [];
  const b = expectOk(
    w.wallet.createTransaction({
      outputs: [{ address: foreign(w.spec).address, amount: COIN }],
      inputs: [{ outpoint: ccOp, coin: ccCoin, signer: ccSigner }],
      ccHookFor: hook(seen),
    }),
  );
  assert.deepEqual(seen, [0]);
  assert.ok(equalBytes(b.tx.ins[0]!.hash, ccOp.txid));
  assert.ok(equalBytes(b.tx.ins[0]!.script, ccSigner.signInput(b.tx, 0, ccCoin)));
  assert.equal(b.tx.ins.length, 2);
  assert.ok(b.fee >= feeForSize(w.spec.minRelayFeePerKb, b.size));

  // Without a hook the builder refuses to vouch for the CC input, unless the caller says it verifies it.
  const req = { outputs: [{ address: foreign(w.spec).address, amount: COIN }], inputs: [{ outpoint: ccOp, coin: ccCoin, signer: ccSigner }] };
  expectErr(w.wallet.createTransaction(req), WalletErrorCode.CC_UNVERIFIED);
  expectOk(w.wallet.createTransaction({ ...req, ccVerifiedByCaller: true }));
  // Without a signer the CC coin cannot be spent.
  expectErr(w.wallet.createTransaction({ ...req, inputs: [{ outpoint: ccOp, coin: ccCoin }] }), WalletErrorCode.NO_SIGNER);
  // A signer whose fulfillment the hook rejects: the guard stops the transaction.
  const bad: CcInputSigner = { ...ccSigner, signInput: () => pushData(concatBytes(utf8('wrong one!'), Uint8Array.of(1))) };
  const e = expectErr(w.wallet.createTransaction({ ...req, inputs: [{ outpoint: ccOp, coin: ccCoin, signer: bad }], ccHookFor: hook([]) }), WalletErrorCode.SELF_CHECK_FAILED);
  assert.equal(e['input'], 0);
  // A signer that lies about its size: refused, since the fee would be short.
  const big: CcInputSigner = { ...ccSigner, maxScriptSigSize: () => 5 };
  expectErr(w.wallet.createTransaction({ ...req, inputs: [{ outpoint: ccOp, coin: ccCoin, signer: big }], ccHookFor: hook([]) }), WalletErrorCode.SELF_CHECK_FAILED);
  // A signer that throws: NO_SIGNER with its error as the cause.
  const throwing: CcInputSigner = { ...ccSigner, signInput: () => { throw new Error('no key'); } };
  const t = expectErr(w.wallet.createTransaction({ ...req, inputs: [{ outpoint: ccOp, coin: ccCoin, signer: throwing }], ccHookFor: hook([]) }), WalletErrorCode.NO_SIGNER);
  assert.match(t.message, /no key/);
});

test('CC input with the SDK: walletCcSigner signs a cc1of1 output of a wallet key, verified by the CC host spend hook; the declared size is the real size', () => {
  const w = new World();
  const owner = w.keystore.getNewAddress('owner');
  w.fund(keyP2pkhScript(owner), COIN);
  const tree = cc1of1(0xe4, owner.publicKey);
  const ccCoin: Coin = { value: 20_000n, script: ccOutputScript(tree, { evalCode: 0xe4 }), height: 7, coinbase: false };
  const ccOp = { txid: sha256(utf8('faucet coin')), vout: 1 };
  const policy = { allowedTypes: 0x8035, height: 101, registry: { active: (code: number) => (code === 0xe4 ? ({ module: {} } as never) : undefined) } };
  const signer = walletCcSigner(w.keystore, tree, [owner.address]);
  const b = expectOk(
    w.wallet.createTransaction({
      inputs: [{ outpoint: ccOp, coin: ccCoin, signer }],
      outputs: [{ address: foreign(w.spec).address, amount: 50_000n }],
      from: owner.address,
      ccHookFor: () => createSpendHook(policy),
    }),
  );
  assert.equal(b.tx.ins[0]!.script.length, signer.maxScriptSigSize(ccCoin));
  assert.equal(b.changeAddress, owner.address);
  assert.deepEqual(tree, cc1of1(0xe4, owner.publicKey), 'the caller\'s tree holds no signatures afterwards');
  const r = verifyScript(b.tx.ins[0]!.script, ccCoin.script, STANDARD_SCRIPT_VERIFY_FLAGS | SCRIPT_VERIFY_CRYPTOCONDITIONS, new TransactionSignatureChecker(b.tx, 0), {
    ccHook: createSpendHook(policy),
  });
  assert.ok(r.ok);
  // Creating a CC output with a module opret (a raw OP_RETURN script worth 0): change goes before the opret.
  const opret = concatBytes(Uint8Array.of(OP.OP_RETURN), pushData(Uint8Array.of(0xe4, 0x46)));
  const make = expectOk(
    w.wallet.createTransaction({ outputs: [{ script: ccCoin.script, amount: 10_000n }, { script: opret, amount: 0n }], from: owner.address }),
  );
  assert.deepEqual(make.tx.outs.map((o) => o.value), [10_000n, make.tx.outs[1]!.value, 0n]);
  assert.equal(make.changeIndex, 1);
  assert.ok(equalBytes(make.tx.outs[2]!.script, opret));
  expectErr(w.wallet.createTransaction({ outputs: [{ script: ccCoin.script, amount: 0n }] }), WalletErrorCode.BAD_AMOUNT);
  // Another key cannot fulfil the condition: the signer cannot even size its scriptSig.
  const stranger = w.keystore.getNewAddress();
  const e = expectErr(
    w.wallet.createTransaction({
      inputs: [{ outpoint: ccOp, coin: ccCoin, signer: walletCcSigner(w.keystore, tree, [stranger.address]) }],
      outputs: [{ address: foreign(w.spec).address, amount: 50_000n }],
      ccHookFor: () => createSpendHook(policy),
    }),
    WalletErrorCode.NO_SIGNER,
  );
  assert.equal(e['input'], 0);
});
