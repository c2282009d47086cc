import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import { readVectorJson } from '../helpers/vectors.ts';
import { parseTxVectorRows } from '../helpers/scriptNotation.ts';
import { hash256 } from '../../src/crypto/hash.ts';
import { ecdsaVerifyLax } from '../../src/crypto/secp256k1.ts';
import { concatBytes, fromHex, reverseBytes, toHex } from '../../src/util/bytes.ts';
import { parseTransaction } from '../../src/chain/transaction.ts';
import { SIGHASH_ONE, legacySighash } from '../../src/script/sighash.ts';
import { SIGHASH_ALL, SIGHASH_SINGLE } from '../../src/script/sigencoding.ts';
import { decodeScript } from '../../src/script/reader.ts';
import { STANDARD_SCRIPT_VERIFY_FLAGS } from '../../src/script/flags.ts';
import { TransactionSignatureChecker } from '../../src/script/checker.ts';
import { verifyScript } from '../../src/script/interpreter.ts';
import type { TxLike } from '../../src/script/tx.ts';

function u32le(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}
function u64le(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((BigInt.asUintN(64, v) >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** A 1-input, 1-output transaction as a plain object (not a bitcoinjs instance). */
const tx: TxLike = {
  version: 1,
  locktime: 17,
  ins: [{ hash: new Uint8Array(32).fill(0x11), index: 3, script: fromHex('51'), sequence: 0xfffffffe }],
  outs: [{ value: 5000n, script: fromHex('76a914' + '22'.repeat(20) + '88ac') }],
};

/** The SIGHASH_ALL preimage of `tx` input 0 with `scriptCodeBytes` written exactly as given, built by hand. */
function handPreimage(declaredLength: number, scriptCodeBytes: Uint8Array, hashType: number): Uint8Array {
  const out = tx.outs[0]!;
  return concatBytes(
    u32le(tx.version),
    Uint8Array.of(1),
    tx.ins[0]!.hash,
    u32le(tx.ins[0]!.index),
    Uint8Array.of(declaredLength),
    scriptCodeBytes,
    u32le(tx.ins[0]!.sequence),
    Uint8Array.of(1),
    u64le(out.value),
    Uint8Array.of(out.script.length),
    out.script,
    u32le(tx.locktime),
    u32le(hashType),
  );
}

test('SIGHASH_SINGLE without a matching output signs Core’s uint256 ONE (01 00..00): the tx_valid signature verifies against it', () => {
  const rows = parseTxVectorRows(readVectorJson<unknown[][]>('bitcoin/tx_valid.json'));
  const row = rows.find((r) => r.comment.includes('presence of a bug in the handling of SIGHASH_SINGLE'));
  assert.ok(row, 'the SIGHASH_SINGLE bug row is in tx_valid.json');
  const parsed = parseTransaction(fromHex(row.txHex));
  assert.ok(parsed.ok);
  const spend = parsed.value;
  assert.equal(spend.outs.length, 1);
  const prevout = row.prevouts[1]!.script;
  // The signature in input 1's scriptSig: DER ‖ hash type 03 (SINGLE), then the pubkey.
  const ops = decodeScript(spend.ins[1]!.script);
  const sig = (ops[0] as { data: Uint8Array }).data;
  const pubkey = (ops[1] as { data: Uint8Array }).data;
  assert.equal(sig[sig.length - 1], SIGHASH_SINGLE);
  const digest = legacySighash(spend, 1, prevout, SIGHASH_SINGLE);
  assert.equal(toHex(digest), '01' + '00'.repeat(31));
  assert.deepEqual(digest, SIGHASH_ONE);
  const der = sig.subarray(0, sig.length - 1);
  assert.equal(ecdsaVerifyLax(der, pubkey, digest), true);
  // The other byte order (what bitcoinjs hashForSignature returns) does not verify.
  assert.equal(ecdsaVerifyLax(der, pubkey, reverseBytes(digest)), false);
  assert.equal(toHex(spend.hashForSignature(1, prevout, SIGHASH_SINGLE)), '00'.repeat(31) + '01');
  // And the full interpreter accepts the input with the standard flags.
  const r = verifyScript(spend.ins[1]!.script, prevout, STANDARD_SCRIPT_VERIFY_FLAGS, new TransactionSignatureChecker(spend, 1));
  assert.deepEqual(r, { ok: true });
});

test('a scriptCode with non-minimal pushes is hashed byte for byte; only real OP_CODESEPARATORs are removed', () => {
  // PUSHDATA1 05 (non-minimal), push of the byte ab (data, not a separator), CODESEPARATOR, push of 01
  // with a direct push (OP_1 would be minimal), DUP.
  const scriptCode = fromHex('4c0105' + '01ab' + 'ab' + '0101' + '76');
  const kept = fromHex('4c0105' + '01ab' + '0101' + '76');
  const expected = hash256(handPreimage(kept.length, kept, SIGHASH_ALL));
  assert.deepEqual(legacySighash(tx, 0, scriptCode, SIGHASH_ALL), expected);
  // bitcoinjs re-encodes the pushes while stripping separators, so its digest differs.
  const bj = new Transaction();
  bj.version = tx.version;
  bj.locktime = tx.locktime;
  bj.addInput(tx.ins[0]!.hash, tx.ins[0]!.index, tx.ins[0]!.sequence, tx.ins[0]!.script);
  bj.addOutput(tx.outs[0]!.script, tx.outs[0]!.value);
  assert.notDeepEqual(bj.hashForSignature(0, scriptCode, SIGHASH_ALL), expected);
  // On a script without pushes or separators both agree (bitcoinjs is a valid cross-check there).
  const plain = fromHex('76a9ac');
  assert.deepEqual(legacySighash(tx, 0, plain, SIGHASH_ALL), bj.hashForSignature(0, plain, SIGHASH_ALL));
});

test('a scriptCode ending in a truncated push is written as Core writes it: full declared length, bytes up to where the reader stopped', () => {
  // CHECKSIG, then PUSHDATA1 announcing 5 bytes with only 1 present: Core's reader stops after the
  // length byte, so `ac 4c 05` is written under a declared length of 4.
  const scriptCode = fromHex('ac4c0501');
  const expected = hash256(handPreimage(4, fromHex('ac4c05'), SIGHASH_ALL));
  assert.deepEqual(legacySighash(tx, 0, scriptCode, SIGHASH_ALL), expected);
});

test('the hash type is appended as a signed 32-bit value and an out-of-range input index gives ONE', () => {
  const kept = fromHex('76');
  // A negative hash type whose low 5 bits say ALL (and no ANYONECANPAY bit): written as its 4 LE bytes.
  const ht = (-0x7ffffffe & ~0x9f) | SIGHASH_ALL;
  assert.ok(ht < 0);
  assert.deepEqual(legacySighash(tx, 0, kept, ht), hash256(handPreimage(1, kept, ht)));
  assert.deepEqual(legacySighash(tx, 1, kept, SIGHASH_ALL), SIGHASH_ONE);
});
