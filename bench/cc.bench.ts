/**
 * CC host throughput against raw ECDSA, on standard Komodo 1-of-1 CC inputs (threshold 2 of {eval,
 * threshold 1 of {secp256k1}}).
 *
 * For a few signed one-input transactions it measures
 * - cc host: per transaction `beginTransaction`, `verifyScript` with the session's hook (B3 split, strict
 *   parse and derivation, type mask, condition match, legacy sighash over the CC sub-script, the
 *   low-S secp256k1 verify, signer rule, eval lookup), then `finish()` (output rules and dispatch to a
 *   no-op module), and
 * - raw ecdsa: tiny-secp256k1 `verify` on the same (message, pubkey, compact signature) triples,
 * after a warm-up, alternating the two sides pass by pass so machine noise hits both alike. It prints
 * both rates and their ratio. Usage: `npm run bench:cc` (env: CCHOST_BENCH_ROUNDS, CCHOST_BENCH_WINDOW_MS).
 * Runs as an ES module (the package is `"type": "module"`), which keeps the noble hashes fast.
 */
import { comparePasses } from './compare.ts';
import * as ecc from 'tiny-secp256k1';
import { Transaction } from 'bitcoinjs-lib';
import { cc1of1, ccOutputScript, createCcHost, signCcInput, unwrap, type CcHost, type HostCoin, type Module } from '../src/cc/index.ts';
import { sha256 } from '../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../src/crypto/secp256k1.ts';
import { TransactionSignatureChecker } from '../src/script/checker.ts';
import { BLOCK_SCRIPT_VERIFY_FLAGS, SCRIPT_VERIFY_CRYPTOCONDITIONS } from '../src/script/flags.ts';
import { verifyScript } from '../src/script/interpreter.ts';
import { utf8 } from '../src/util/bytes.ts';

const ROUNDS = Number(process.env['CCHOST_BENCH_ROUNDS'] ?? 6);
const WINDOW_MS = Number(process.env['CCHOST_BENCH_WINDOW_MS'] ?? 500);
const WARMUP_MS = 1000;
const TXS = 4;
const EVAL = 0x70;
const FLAGS = BLOCK_SCRIPT_VERIFY_FLAGS | SCRIPT_VERIFY_CRYPTOCONDITIONS;

const noop: Module = { name: 'noop', evalCode: EVAL, version: 1, description: 'accepts everything', errors: {}, validate: () => ({ ok: true }), rpc: [] };
const host: CcHost = unwrap(
  createCcHost({
    chain: { prefixes: { pubKeyHash: 60 }, cc: { enabled: true, activationHeight: 0, allowedTypes: 0x8035, modules: [{ name: 'noop', evalCode: EVAL, version: 1, activationHeight: 0 }] } },
    modules: [noop],
  }),
);

interface Signed {
  tx: Transaction;
  txid: Uint8Array;
  spent: HostCoin[];
  msg: Uint8Array;
  pubkey: Uint8Array;
  sig64: Uint8Array;
}

/** A transaction spending one cc1of1(EVAL, key) output (signed, SIGHASH_ALL) to a P2PKH-sized output. */
function signedCc(seed: string): Signed {
  const key = sha256(utf8(`${seed}/key`));
  const pubkey = publicKeyFromPrivate(key);
  const spentScript = ccOutputScript(cc1of1(EVAL, pubkey));
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.from(sha256(utf8(`${seed}/prev`))), 0, 0xffffffff);
  tx.addOutput(Buffer.from(Uint8Array.of(0x76, 0xa9, 0x14, ...sha256(utf8(`${seed}/to`)).subarray(0, 20), 0x88, 0xac)), 9_000n);
  const tree = cc1of1(EVAL, pubkey);
  const s = unwrap(signCcInput(tx, 0, { tree, spentScript, privateKeys: [key] }));
  tx.setInputScript(0, Buffer.from(s.scriptSig));
  const inner = tree.children[1];
  const node = inner?.type === 'threshold' ? inner.children[0] : undefined;
  if (node?.type !== 'secp256k1' || node.signature === undefined) throw new Error('benchmark tree is not signed');
  return { tx, txid: Uint8Array.from(tx.getHash()), spent: [{ value: 10_000n, script: spentScript }], msg: s.sighash, pubkey, sig64: node.signature };
}

const view = { getCoin: () => undefined };
const pending = (): undefined => undefined;

/** Validates every transaction once through the host; returns the count of CC inputs. */
function hostPass(set: Signed[]): number {
  for (const s of set) {
    const session = host.beginTransaction(s.tx, s.spent, { mode: 'block', height: 1, blockTimeMs: 0, spec: host.chain, flags: FLAGS, txid: s.txid, view, pendingTx: pending });
    const r = verifyScript(s.tx.ins[0]!.script, s.spent[0]!.script, FLAGS, new TransactionSignatureChecker(s.tx, 0), { ccHook: session.hookForInput(0) });
    if (!r.ok) throw new Error(`benchmark input failed: ${r.error} ${r.message}`);
    const f = session.finish();
    if (!f.ok) throw new Error(`benchmark finish failed: ${f.error.code}`);
  }
  return set.length;
}

/** Verifies the same triples with tiny-secp256k1 directly; returns the count. */
function rawPass(set: Signed[]): number {
  for (const s of set) if (!ecc.verify(s.msg, s.pubkey, s.sig64)) throw new Error('benchmark signature failed to verify');
  return set.length;
}

function measure(set: Signed[]): void {
  const r = comparePasses(() => hostPass(set), () => rawPass(set), { warmupMs: WARMUP_MS, rounds: ROUNDS, windowMs: WINDOW_MS });
  console.log(
    `1-of-1 CC input: cc host ${Math.round(r.subject)} verify/s, raw ecdsa ${Math.round(r.baseline)} verify/s, ratio ${r.ratio.toFixed(3)}`,
  );
}

console.log(
  `cc bench: standard 1-of-1 CC inputs through verifyScript + session hook + finish (no-op module), block flags, ${ROUNDS} rounds of ${WINDOW_MS} ms per side, sides alternating pass by pass (node ${process.version})`,
);
measure(Array.from({ length: TXS }, (_, k) => signedCc(`bench/cc/${k}`)));
