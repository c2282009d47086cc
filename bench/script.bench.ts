/**
 * Script interpreter throughput against raw ECDSA, on signed P2PKH transactions.
 *
 * For each shape (1-input and 10-input transactions) it signs a few transactions, then measures
 * - interpreter: every input through `verifyScript` with STANDARD flags (script evaluation, hash160,
 *   legacy sighash, DER checks, `ecdsaVerifyLax`), and
 * - raw ecdsa: tiny-secp256k1 `verify` on the same (sighash, pubkey, compact signature) triples,
 * after a warm-up, alternating the two sides pass by pass, so machine noise hits both alike. It prints both rates
 * and their ratio per shape. Usage: `npm run bench:script` (env: CCHOST_BENCH_ROUNDS, CCHOST_BENCH_WINDOW_MS).
 */
import { comparePasses } from './compare.ts';
import * as ecc from 'tiny-secp256k1';
import { Transaction } from 'bitcoinjs-lib';
import { hash160, sha256 } from '../src/crypto/hash.ts';
import { ecdsaSignCompact, encodeDer, publicKeyFromPrivate } from '../src/crypto/secp256k1.ts';
import { concatBytes, utf8 } from '../src/util/bytes.ts';
import { buildScript, p2pkhScript } from '../src/script/builder.ts';
import { STANDARD_SCRIPT_VERIFY_FLAGS } from '../src/script/flags.ts';
import { TransactionSignatureChecker } from '../src/script/checker.ts';
import { verifyScript } from '../src/script/interpreter.ts';
import { legacySighash } from '../src/script/sighash.ts';
import { SIGHASH_ALL } from '../src/script/sigencoding.ts';

const ROUNDS = Number(process.env['CCHOST_BENCH_ROUNDS'] ?? 6);
const WINDOW_MS = Number(process.env['CCHOST_BENCH_WINDOW_MS'] ?? 500);
const WARMUP_MS = 1000;
const TXS_PER_SHAPE = 4;

interface Signed {
  tx: Transaction;
  prevoutScripts: Uint8Array[];
  triples: { msg: Uint8Array; pubkey: Uint8Array; sig64: Uint8Array }[];
}

/** A signed transaction spending `nIn` P2PKH outputs (one key per input) to two outputs. */
function signedP2pkh(nIn: number, seed: string): Signed {
  const keys = Array.from({ length: nIn }, (_, i) => sha256(utf8(`${seed}/key/${i}`)));
  const pubkeys = keys.map((k) => publicKeyFromPrivate(k));
  const prevoutScripts = pubkeys.map((p) => p2pkhScript(hash160(p)));
  const tx = new Transaction();
  tx.version = 1;
  for (let i = 0; i < nIn; i++) tx.addInput(sha256(utf8(`${seed}/prev/${i}`)), i, 0xffffffff);
  tx.addOutput(p2pkhScript(hash160(utf8(`${seed}/a`)).subarray(0, 20)), 150_000n);
  tx.addOutput(p2pkhScript(hash160(utf8(`${seed}/b`)).subarray(0, 20)), 49_000n);
  const triples: Signed['triples'] = [];
  for (let i = 0; i < nIn; i++) {
    const msg = legacySighash(tx, i, prevoutScripts[i]!, SIGHASH_ALL);
    const sig64 = ecdsaSignCompact(msg, keys[i]!);
    triples.push({ msg, pubkey: pubkeys[i]!, sig64 });
    tx.setInputScript(i, buildScript(concatBytes(encodeDer(sig64), Uint8Array.of(SIGHASH_ALL)), pubkeys[i]!));
  }
  return { tx, prevoutScripts, triples };
}

/** Verifies every input of every transaction once through the interpreter; returns the count. */
function interpreterPass(set: Signed[]): number {
  let n = 0;
  for (const s of set) {
    const ins = s.tx.ins;
    for (let i = 0; i < ins.length; i++) {
      const r = verifyScript(ins[i]!.script, s.prevoutScripts[i]!, STANDARD_SCRIPT_VERIFY_FLAGS, new TransactionSignatureChecker(s.tx, i));
      if (!r.ok) throw new Error(`benchmark input failed to verify: ${r.error}`);
      n++;
    }
  }
  return n;
}

/** Verifies the same triples with tiny-secp256k1 directly; returns the count. */
function rawPass(set: Signed[]): number {
  let n = 0;
  for (const s of set) {
    for (const t of s.triples) {
      if (!ecc.verify(t.msg, t.pubkey, t.sig64)) throw new Error('benchmark signature failed to verify');
      n++;
    }
  }
  return n;
}

/** Nanoseconds spent in one call of `pass`, and its operation count. */
function measure(label: string, set: Signed[]): { interp: number; raw: number } {
  const r = comparePasses(() => interpreterPass(set), () => rawPass(set), { warmupMs: WARMUP_MS, rounds: ROUNDS, windowMs: WINDOW_MS });
  console.log(
    `${label}: interpreter ${Math.round(r.subject)} verify/s, raw ecdsa ${Math.round(r.baseline)} verify/s, ratio ${r.ratio.toFixed(3)}`,
  );
  return { interp: r.subject, raw: r.baseline };
}

console.log(
  `script bench: P2PKH inputs, STANDARD flags, ${ROUNDS} rounds of ${WINDOW_MS} ms per side, sides alternating pass by pass (node ${process.version})`,
);
const shapes: [string, number][] = [
  ['1-input', 1],
  ['10-input', 10],
];
for (const [label, nIn] of shapes) {
  const set = Array.from({ length: TXS_PER_SHAPE }, (_, k) => signedP2pkh(nIn, `bench/${label}/${k}`));
  measure(label, set);
}
