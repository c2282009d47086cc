import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hash160, sha256 } from '../../src/crypto/hash.ts';
import { ecdsaSign, publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { concatBytes, fromHex, utf8 } from '../../src/util/bytes.ts';
import { OP } from '../../src/script/opcodes.ts';
import { buildScript, p2pkhScript, pushNumber } from '../../src/script/builder.ts';
import {
  MANDATORY_SCRIPT_VERIFY_FLAGS,
  SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY,
  SCRIPT_VERIFY_CHECKSEQUENCEVERIFY,
  SCRIPT_VERIFY_CONST_SCRIPTCODE,
  SCRIPT_VERIFY_LOW_S,
  SCRIPT_VERIFY_NULLDUMMY,
  SCRIPT_VERIFY_NULLFAIL,
  SCRIPT_VERIFY_P2SH,
  STANDARD_SCRIPT_VERIFY_FLAGS,
} from '../../src/script/flags.ts';
import { NULL_SIGNATURE_CHECKER, TransactionSignatureChecker } from '../../src/script/checker.ts';
import type { SignatureChecker } from '../../src/script/checker.ts';
import { evalScript, verifyScript } from '../../src/script/interpreter.ts';
import type { VerifyResult } from '../../src/script/interpreter.ts';
import { legacySighash } from '../../src/script/sighash.ts';
import { SIGHASH_ALL } from '../../src/script/sigencoding.ts';
import type { TxLike } from '../../src/script/tx.ts';

const key = (name: string) => sha256(utf8(name));
const k1 = key('alice');
const k2 = key('bob');
const k3 = key('carol');
const pub = (k: Uint8Array) => publicKeyFromPrivate(k);

function spend(opts: { version?: number; locktime?: number; sequence?: number; value?: bigint } = {}): TxLike & {
  ins: { hash: Uint8Array; index: number; script: Uint8Array; sequence: number }[];
} {
  return {
    version: opts.version ?? 1,
    locktime: opts.locktime ?? 0,
    ins: [{ hash: new Uint8Array(32).fill(7), index: 0, script: new Uint8Array(0), sequence: opts.sequence ?? 0xffffffff }],
    outs: [{ value: opts.value ?? 1000n, script: p2pkhScript(new Uint8Array(20).fill(9)) }],
  };
}

/** DER signature plus hash-type byte over `scriptCode` for input 0. */
function sign(tx: TxLike, scriptCode: Uint8Array, k: Uint8Array, hashType = SIGHASH_ALL): Uint8Array {
  return concatBytes(ecdsaSign(legacySighash(tx, 0, scriptCode, hashType), k), Uint8Array.of(hashType));
}

function verify(tx: TxLike, scriptPubKey: Uint8Array, flags: number): VerifyResult {
  return verifyScript(tx.ins[0]!.script, scriptPubKey, flags, new TransactionSignatureChecker(tx, 0));
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The same signature with S replaced by n − S (high S), DER re-encoded. */
function highS(sigWithType: Uint8Array): Uint8Array {
  const lenR = sigWithType[3]!;
  const r = sigWithType.subarray(4, 4 + lenR);
  const lenS = sigWithType[5 + lenR]!;
  const s = BigInt('0x' + Buffer.from(sigWithType.subarray(6 + lenR, 6 + lenR + lenS)).toString('hex'));
  let hex = (N - s).toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let sBytes = fromHex(hex);
  if (sBytes[0]! & 0x80) sBytes = concatBytes(Uint8Array.of(0), sBytes);
  const body = concatBytes(Uint8Array.of(2, r.length), r, Uint8Array.of(2, sBytes.length), sBytes);
  return concatBytes(Uint8Array.of(0x30, body.length), body, sigWithType.subarray(sigWithType.length - 1));
}

test('a signed P2PKH spend verifies with the standard flags; a changed output breaks it', () => {
  const spk = p2pkhScript(hash160(pub(k1)));
  const tx = spend();
  tx.ins[0]!.script = buildScript(sign(tx, spk, k1), pub(k1));
  assert.deepEqual(verify(tx, spk, STANDARD_SCRIPT_VERIFY_FLAGS), { ok: true });
  const changed = { ...tx, outs: [{ ...tx.outs[0]!, value: 999n }] };
  // A failed CHECKSIG with a non-empty signature is NULLFAIL under the standard flags, EVAL_FALSE without it.
  assert.equal((verify(changed, spk, STANDARD_SCRIPT_VERIFY_FLAGS) as { error: string }).error, 'NULLFAIL');
  assert.equal((verify(changed, spk, MANDATORY_SCRIPT_VERIFY_FLAGS) as { error: string }).error, 'EVAL_FALSE');
  // The wrong key fails EQUALVERIFY before any signature check.
  const other = { ...tx, ins: [{ ...tx.ins[0]!, script: buildScript(sign(tx, spk, k2), pub(k2)) }] };
  assert.equal((verify(other, spk, STANDARD_SCRIPT_VERIFY_FLAGS) as { error: string }).error, 'EQUALVERIFY');
});

test('a high-S signature verifies without LOW_S (S is normalised) and fails with SIG_HIGH_S under it', () => {
  const spk = buildScript(pub(k1), OP.OP_CHECKSIG);
  const tx = spend();
  tx.ins[0]!.script = buildScript(highS(sign(tx, spk, k1)));
  assert.deepEqual(verify(tx, spk, MANDATORY_SCRIPT_VERIFY_FLAGS), { ok: true });
  assert.equal((verify(tx, spk, SCRIPT_VERIFY_LOW_S) as { error: string }).error, 'SIG_HIGH_S');
});

test('CHECKMULTISIG 2-of-3: signatures in key order pass; out of order fail; NULLDUMMY and NULLFAIL apply', () => {
  const spk = buildScript(OP.OP_2, pub(k1), pub(k2), pub(k3), OP.OP_3, OP.OP_CHECKMULTISIG);
  const tx = spend();
  const s1 = sign(tx, spk, k1);
  const s3 = sign(tx, spk, k3);
  tx.ins[0]!.script = buildScript(OP.OP_0, s1, s3);
  assert.deepEqual(verify(tx, spk, STANDARD_SCRIPT_VERIFY_FLAGS), { ok: true });
  const swapped = { ...tx, ins: [{ ...tx.ins[0]!, script: buildScript(OP.OP_0, s3, s1) }] };
  assert.equal((verify(swapped, spk, MANDATORY_SCRIPT_VERIFY_FLAGS) as { error: string }).error, 'EVAL_FALSE');
  assert.equal((verify(swapped, spk, SCRIPT_VERIFY_NULLFAIL) as { error: string }).error, 'NULLFAIL');
  const dummy = { ...tx, ins: [{ ...tx.ins[0]!, script: buildScript(OP.OP_1, s1, s3) }] };
  assert.deepEqual(verify(dummy, spk, 0), { ok: true });
  assert.equal((verify(dummy, spk, SCRIPT_VERIFY_NULLDUMMY) as { error: string }).error, 'SIG_NULLDUMMY');
});

test('P2SH: the redeem script runs on the scriptSig’s stack; a non-push scriptSig is SIG_PUSHONLY', () => {
  const redeem = buildScript(pub(k1), OP.OP_CHECKSIG);
  const spk = buildScript(OP.OP_HASH160, hash160(redeem), OP.OP_EQUAL);
  const tx = spend();
  const sig = sign(tx, redeem, k1); // the scriptCode is the redeem script
  tx.ins[0]!.script = buildScript(sig, redeem);
  assert.deepEqual(verify(tx, spk, STANDARD_SCRIPT_VERIFY_FLAGS), { ok: true });
  const nonPush = { ...tx, ins: [{ ...tx.ins[0]!, script: concatBytes(buildScript(sig, redeem), Uint8Array.of(OP.OP_NOP)) }] };
  assert.equal((verify(nonPush, spk, SCRIPT_VERIFY_P2SH) as { error: string }).error, 'SIG_PUSHONLY');
  // Without P2SH only the hash is checked.
  assert.deepEqual(verify(nonPush, spk, 0), { ok: true });
});

test('OP_CODESEPARATOR: the signature covers the script after the last executed separator; CONST_SCRIPTCODE rejects it', () => {
  const tail = buildScript(pub(k1), OP.OP_CHECKSIG);
  const spk = concatBytes(Uint8Array.of(OP.OP_NOP, OP.OP_CODESEPARATOR), tail);
  const tx = spend();
  tx.ins[0]!.script = buildScript(sign(tx, tail, k1));
  assert.deepEqual(verify(tx, spk, MANDATORY_SCRIPT_VERIFY_FLAGS), { ok: true });
  const wrong = { ...tx, ins: [{ ...tx.ins[0]!, script: buildScript(sign(tx, spk, k1)) }] };
  assert.equal((verify(wrong, spk, MANDATORY_SCRIPT_VERIFY_FLAGS) as { error: string }).error, 'EVAL_FALSE');
  assert.equal((verify(tx, spk, SCRIPT_VERIFY_CONST_SCRIPTCODE) as { error: string }).error, 'OP_CODESEPARATOR');
});

test('FindAndDelete removes the signature’s push from the scriptCode; CONST_SCRIPTCODE makes that SIG_FINDANDDELETE', () => {
  const tx = spend();
  // The scriptCode after FindAndDelete is `DROP <pubkey> CHECKSIG`, so sign that, then embed the signature.
  const afterDelete = buildScript(OP.OP_DROP, pub(k1), OP.OP_CHECKSIG);
  const sig = sign(tx, afterDelete, k1);
  const spk = concatBytes(buildScript(sig), afterDelete);
  tx.ins[0]!.script = buildScript(sig);
  assert.deepEqual(verify(tx, spk, MANDATORY_SCRIPT_VERIFY_FLAGS), { ok: true });
  assert.equal((verify(tx, spk, SCRIPT_VERIFY_CONST_SCRIPTCODE) as { error: string }).error, 'SIG_FINDANDDELETE');
});

test('CHECKLOCKTIMEVERIFY: same kind, not above the tx lock time, input not final', () => {
  const flags = SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY;
  const run = (lock: number, tx: TxLike) =>
    verifyScript(new Uint8Array(0), concatBytes(pushNumber(lock), Uint8Array.of(OP.OP_CHECKLOCKTIMEVERIFY)), flags, new TransactionSignatureChecker(tx, 0));
  const tx = spend({ locktime: 100, sequence: 0xfffffffe });
  assert.deepEqual(run(100, tx), { ok: true });
  assert.equal((run(101, tx) as { error: string }).error, 'UNSATISFIED_LOCKTIME');
  assert.equal((run(-1, tx) as { error: string }).error, 'NEGATIVE_LOCKTIME');
  assert.equal((run(500_000_000, tx) as { error: string }).error, 'UNSATISFIED_LOCKTIME'); // time vs height
  assert.equal((run(100, spend({ locktime: 100 })) as { error: string }).error, 'UNSATISFIED_LOCKTIME'); // final input
  // A 5-byte operand is allowed, a 6-byte one is SCRIPTNUM.
  const big = verifyScript(new Uint8Array(0), fromHex('05ffffffff00b1'), flags, new TransactionSignatureChecker(tx, 0));
  assert.equal((big as { error: string }).error, 'UNSATISFIED_LOCKTIME');
  const tooBig = verifyScript(new Uint8Array(0), fromHex('06ffffffff0000b1'), flags, new TransactionSignatureChecker(tx, 0));
  assert.equal((tooBig as { error: string }).error, 'SCRIPTNUM');
  // Without the flag it is NOP2 (the operand stays and is true).
  assert.deepEqual(verifyScript(new Uint8Array(0), concatBytes(pushNumber(101), Uint8Array.of(OP.OP_CHECKLOCKTIMEVERIFY)), 0, new TransactionSignatureChecker(tx, 0)), {
    ok: true,
  });
});

test('CHECKSEQUENCEVERIFY: version ≥ 2, relative lock enabled, same kind, not above the input’s sequence', () => {
  const flags = SCRIPT_VERIFY_CHECKSEQUENCEVERIFY;
  const run = (n: number, tx: TxLike) =>
    verifyScript(new Uint8Array(0), concatBytes(pushNumber(n), Uint8Array.of(OP.OP_CHECKSEQUENCEVERIFY)), flags, new TransactionSignatureChecker(tx, 0));
  const tx = spend({ version: 2, sequence: 10 });
  assert.deepEqual(run(10, tx), { ok: true });
  assert.equal((run(11, tx) as { error: string }).error, 'UNSATISFIED_LOCKTIME');
  assert.equal((run(10, spend({ version: 1, sequence: 10 })) as { error: string }).error, 'UNSATISFIED_LOCKTIME');
  assert.equal((run(10 | (1 << 22), tx) as { error: string }).error, 'UNSATISFIED_LOCKTIME'); // time vs blocks
  assert.deepEqual(run(0x80000000 + 11, tx), { ok: true }); // disable bit in the operand: a NOP
  assert.equal((run(10, spend({ version: 2, sequence: 0x80000000 | 10 })) as { error: string }).error, 'UNSATISFIED_LOCKTIME');
});

test('nothing escapes as an exception: bad arguments and a throwing checker give UNKNOWN_ERROR', () => {
  const r1 = verifyScript(null as unknown as Uint8Array, new Uint8Array(0), 0, NULL_SIGNATURE_CHECKER);
  assert.equal(!r1.ok && r1.error, 'UNKNOWN_ERROR');
  const r2 = verifyScript(new Uint8Array(0), new Uint8Array(0), 1.5, NULL_SIGNATURE_CHECKER);
  assert.equal(!r2.ok && r2.error, 'UNKNOWN_ERROR');
  const throwing: SignatureChecker = {
    checkSig: () => {
      throw new Error('boom');
    },
    checkLockTime: () => false,
    checkSequence: () => false,
  };
  const r3 = verifyScript(fromHex('0101'), buildScript(pub(k1), OP.OP_CHECKSIG), 0, throwing);
  assert.equal(!r3.ok && r3.error, 'UNKNOWN_ERROR');
  assert.match(!r3.ok ? r3.message : '', /boom/);
  const r4 = evalScript('x' as unknown as Uint8Array[], new Uint8Array(0), 0, NULL_SIGNATURE_CHECKER);
  assert.equal(!r4.ok && r4.error, 'UNKNOWN_ERROR');
});

test('failures say which script failed and where', () => {
  const r = verifyScript(fromHex('51'), fromHex('7693' + '6a'), 0, NULL_SIGNATURE_CHECKER);
  assert.deepEqual(r, { ok: false, error: 'OP_RETURN', code: 'SCRIPT_ERR_OP_RETURN', message: 'OP_RETURN was encountered', phase: 'scriptPubKey', pos: 2 });
  const stack: Uint8Array[] = [];
  assert.deepEqual(evalScript(stack, fromHex('5152'), 0, NULL_SIGNATURE_CHECKER), { ok: true });
  assert.deepEqual(stack, [Uint8Array.of(1), Uint8Array.of(2)]);
});
