import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concatBytes } from '../../src/util/bytes.ts';
import { decodeScriptNum, encodeScriptNum, isMinimalScriptNum } from '../../src/script/num.ts';
import { decodeScript } from '../../src/script/reader.ts';
import { buildScript, pushData, pushDataMinimal } from '../../src/script/builder.ts';
import { SCRIPT_VERIFY_CRYPTOCONDITIONS, SCRIPT_VERIFY_MINIMALDATA } from '../../src/script/flags.ts';
import { isScriptErrorName } from '../../src/script/errors.ts';
import { NULL_SIGNATURE_CHECKER, TransactionSignatureChecker } from '../../src/script/checker.ts';
import { evalScript, verifyScript } from '../../src/script/interpreter.ts';
import type { CcSpendResult, CryptoConditionsHook } from '../../src/script/cc.ts';
import { findAndDelete } from '../../src/script/scriptcode.ts';
import type { TxLike } from '../../src/script/tx.ts';

const runs = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 500);

test('script numbers: decode(encode(n)) = n and the encoding is minimal, for every value up to 5 bytes', () => {
  const max = 2 ** 39 - 1;
  fc.assert(
    fc.property(fc.integer({ min: -max, max }), (n) => {
      const b = encodeScriptNum(n);
      assert.ok(b.length <= 5);
      assert.ok(isMinimalScriptNum(b));
      assert.deepEqual(decodeScriptNum(b, { maxLen: 5, minimal: true }), { ok: true, value: n });
      assert.deepEqual(encodeScriptNum(BigInt(n)), b);
    }),
    { numRuns: runs },
  );
});

test('script numbers: a byte string decodes under MINIMALDATA exactly when re-encoding gives it back', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 5 }), (b) => {
      const lax = decodeScriptNum(b, { maxLen: 5 });
      assert.ok(lax.ok);
      const strict = decodeScriptNum(b, { maxLen: 5, minimal: true });
      const roundTrips = Buffer.from(encodeScriptNum(lax.value)).equals(Buffer.from(b));
      assert.equal(strict.ok, roundTrips);
      assert.equal(isMinimalScriptNum(b), roundTrips);
      assert.equal(decodeScriptNum(b, { maxLen: 4 }).ok, b.length <= 4);
    }),
    { numRuns: runs },
  );
});

test('reader: the raw bytes of the ops read from any byte string, plus an unread truncated tail, give the script back', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (script) => {
      const ops = decodeScript(script);
      const parts: Uint8Array[] = [];
      let pos = 0;
      for (const op of ops) {
        assert.equal(op.start, pos);
        assert.ok(op.end > op.start && op.end <= script.length);
        parts.push(script.subarray(op.start, op.end));
        pos = op.end;
        if (op.kind === 'push') assert.deepEqual(op.data, script.subarray(op.end - op.data.length, op.end));
        if (op.kind === 'truncated') {
          assert.equal(op, ops[ops.length - 1]);
          parts.push(script.subarray(op.end));
          pos = script.length;
        }
      }
      assert.equal(pos, script.length);
      assert.deepEqual(concatBytes(...parts), script);
    }),
    { numRuns: runs },
  );
});

test('builders: pushed data reads back unchanged, and pushDataMinimal satisfies MINIMALDATA', () => {
  const data = fc.oneof(fc.uint8Array({ maxLength: 3 }), fc.uint8Array({ maxLength: 520 }));
  fc.assert(
    fc.property(fc.array(data, { maxLength: 6 }), (items) => {
      const script = buildScript(...items);
      const ops = decodeScript(script);
      assert.deepEqual(
        ops.map((o) => (o.kind === 'push' ? o.data : null)),
        items,
      );
      const stack: Uint8Array[] = [];
      const minimal = concatBytes(...items.map(pushDataMinimal));
      assert.deepEqual(evalScript(stack, minimal, SCRIPT_VERIFY_MINIMALDATA, NULL_SIGNATURE_CHECKER), { ok: true });
      // OP_n / OP_1NEGATE push the number's encoding, which is the same bytes for the values they replace.
      assert.deepEqual(stack.map((s) => Buffer.from(s).toString('hex')), items.map((s) => Buffer.from(s).toString('hex')));
    }),
    { numRuns: runs },
  );
});

test('FindAndDelete of a push that is absent returns the script unchanged; of one that is present removes exactly those bytes', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 5 }), fc.uint8Array({ minLength: 1, maxLength: 8 }), (chunks, sig) => {
      const script = buildScript(...chunks);
      const r = findAndDelete(script, sig);
      const expected = chunks.filter((c) => !Buffer.from(c).equals(Buffer.from(sig)));
      assert.equal(r.count, chunks.length - expected.length);
      assert.deepEqual(r.script, buildScript(...expected));
    }),
    { numRuns: runs },
  );
});

// Scripts biased toward real opcodes and small pushes, so evaluation gets past the first byte.
const opcodeByte = fc.oneof(
  fc.integer({ min: 0x00, max: 0xff }),
  fc.constantFrom(0x00, 0x4f, 0x51, 0x52, 0x60, 0x63, 0x64, 0x67, 0x68, 0x69, 0x6b, 0x6c, 0x76, 0x7c, 0x87, 0x93, 0xa9, 0xab, 0xac, 0xae, 0xb1, 0xb2, 0xcc, 0xcd),
);
const chunk = fc.oneof(
  opcodeByte.map((b) => Uint8Array.of(b)),
  fc.uint8Array({ maxLength: 80 }).map((d) => pushData(d)),
  fc.uint8Array({ maxLength: 6 }),
);
const scriptArb = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.array(chunk, { maxLength: 40 }).map((cs) => concatBytes(...cs)));
// scriptSigs: arbitrary, or pushes only (so the scriptPubKey gets to run on a populated stack).
const sigArb = fc.oneof(scriptArb, fc.array(fc.uint8Array({ maxLength: 80 }).map(pushDataMinimal), { maxLength: 8 }).map((cs) => concatBytes(...cs)));
const flagsArb = fc.oneof(fc.integer({ min: 0, max: (1 << 21) - 1 }), fc.integer({ min: 0, max: (1 << 21) - 1 }).map((f) => f | SCRIPT_VERIFY_CRYPTOCONDITIONS), fc.integer());

const tx: TxLike = {
  version: 2,
  locktime: 1000,
  ins: [{ hash: new Uint8Array(32).fill(1), index: 0, script: new Uint8Array(0), sequence: 5 }],
  outs: [{ value: 1n, script: new Uint8Array(0) }],
};

const hooks: (CryptoConditionsHook | undefined)[] = [
  undefined,
  { checkSpend: () => ({ ok: true }) },
  { checkSpend: () => ({ ok: false, error: 'CC_SIG' }) },
  { checkSpend: () => ({ nonsense: 1 }) as unknown as CcSpendResult },
  {
    checkSpend: () => {
      throw new Error('x');
    },
  },
];

test('verifyScript never throws: any scriptSig, scriptPubKey and flags end in success or a typed script error', () => {
  fc.assert(
    fc.property(sigArb, scriptArb, flagsArb, fc.nat({ max: hooks.length - 1 }), fc.boolean(), (sig, spk, flags, h, ccShape) => {
      // Half of the time wrap the scriptPubKey into a CC template so the hook path runs.
      const pubkey = ccShape && spk.length >= 1 && spk.length <= 75 ? concatBytes(Uint8Array.of(spk.length), spk, Uint8Array.of(0xcc)) : spk;
      const hook = hooks[h];
      const r = verifyScript(sig, pubkey, flags, new TransactionSignatureChecker(tx, 0), hook ? { ccHook: hook } : {});
      if (!r.ok) {
        assert.ok(isScriptErrorName(r.error), `unknown error name ${String(r.error)}`);
        assert.equal(typeof r.message, 'string');
      }
    }),
    { numRuns: runs },
  );
});
