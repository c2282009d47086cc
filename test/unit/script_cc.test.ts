import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hash160 } from '../../src/crypto/hash.ts';
import { concatBytes, fromHex, toHex } from '../../src/util/bytes.ts';
import { OP } from '../../src/script/opcodes.ts';
import { buildScript, pushData } from '../../src/script/builder.ts';
import {
  SCRIPT_VERIFY_CRYPTOCONDITIONS,
  SCRIPT_VERIFY_P2SH,
  SCRIPT_VERIFY_SIGPUSHONLY,
  STANDARD_SCRIPT_VERIFY_FLAGS,
} from '../../src/script/flags.ts';
import { matchCcTemplate, parseCcScriptSig } from '../../src/script/cc.ts';
import type { CcSpendRequest, CcSpendResult, CryptoConditionsHook } from '../../src/script/cc.ts';
import { TransactionSignatureChecker } from '../../src/script/checker.ts';
import { verifyScript } from '../../src/script/interpreter.ts';
import type { VerifyResult } from '../../src/script/interpreter.ts';
import { legacySighash } from '../../src/script/sighash.ts';
import type { TxLike } from '../../src/script/tx.ts';

const CC = SCRIPT_VERIFY_CRYPTOCONDITIONS;
// The `faucet` cc1of1 condition of CC.md B9.3 (46 bytes).
const C = fromHex('A22C80200C1297DB42B64E5FD5B3777AAE347844BCD75C6FF62ADDE450337BD61B97B4A58103120C008203000401');
const TEMPLATE = concatBytes(Uint8Array.of(C.length), C, Uint8Array.of(0xcc));
const TAIL = fromHex('0201e475');
const TEMPLATE_WITH_TAIL = concatBytes(TEMPLATE, TAIL);
const F = fromHex('a5' + '11'.repeat(40) + '01'); // stands in for F‖h; the hook decides what it means
const W = new Uint8Array(600).fill(0x5a); // longer than 520: fine, since the scriptSig is not executed

const tx: TxLike = {
  version: 1,
  locktime: 0,
  ins: [{ hash: new Uint8Array(32).fill(3), index: 1, script: new Uint8Array(0), sequence: 0xffffffff }],
  outs: [{ value: 10n, script: fromHex('51') }],
};
const checker = new TransactionSignatureChecker(tx, 0);
const errorOf = (r: VerifyResult) => (r.ok ? 'OK' : r.error);

function recordingHook(result: CcSpendResult): CryptoConditionsHook & { calls: CcSpendRequest[] } {
  const calls: CcSpendRequest[] = [];
  return {
    calls,
    checkSpend(req) {
      calls.push(req);
      return result;
    },
  };
}

test('matchCcTemplate recognises L‖C‖CC and L‖C‖CC‖push(P)‖DROP byte for byte', () => {
  const plain = matchCcTemplate(TEMPLATE);
  assert.ok(plain);
  assert.equal(toHex(plain.condition), toHex(C));
  assert.equal(plain.params, undefined);
  assert.equal(toHex(plain.subScript), toHex(TEMPLATE));
  assert.equal(plain.opIndex, 47);
  const tailed = matchCcTemplate(TEMPLATE_WITH_TAIL);
  assert.equal(tailed && toHex(tailed.params!), '01e4');
  assert.equal(tailed && toHex(tailed.subScript), toHex(TEMPLATE));
  const withTail = (p: Uint8Array) => concatBytes(TEMPLATE, pushData(p), Uint8Array.of(OP.OP_DROP));
  assert.ok(matchCcTemplate(withTail(new Uint8Array(76))));
  assert.ok(matchCcTemplate(withTail(new Uint8Array(520))));
  assert.equal(matchCcTemplate(withTail(new Uint8Array(521))), null);
  assert.equal(matchCcTemplate(withTail(new Uint8Array(1))), null);
  // Not the shortest push, no DROP, trailing bytes, a wrong length byte, other scripts.
  assert.equal(matchCcTemplate(concatBytes(TEMPLATE, fromHex('4c0201e475'))), null);
  assert.equal(matchCcTemplate(concatBytes(TEMPLATE, fromHex('0201e4'))), null);
  assert.equal(matchCcTemplate(concatBytes(TEMPLATE_WITH_TAIL, fromHex('75'))), null);
  assert.equal(matchCcTemplate(concatBytes(Uint8Array.of(C.length + 1), C, Uint8Array.of(0xcc))), null);
  assert.equal(matchCcTemplate(fromHex('00cc')), null);
  assert.equal(matchCcTemplate(concatBytes(Uint8Array.of(C.length), C, Uint8Array.of(0xcd))), null);
  assert.equal(matchCcTemplate(fromHex('76a914' + '00'.repeat(20) + '88ac')), null);
});

test('parseCcScriptSig accepts one or two minimal data pushes within the B3 sizes', () => {
  assert.deepEqual(parseCcScriptSig(pushData(F)), { fulfillment: F });
  const two = parseCcScriptSig(concatBytes(pushData(F), pushData(W)));
  assert.equal(two && toHex(two.witness!), toHex(W));
  assert.ok(parseCcScriptSig(pushData(new Uint8Array(2048))));
  assert.equal(parseCcScriptSig(pushData(new Uint8Array(2049))), null);
  assert.equal(parseCcScriptSig(pushData(new Uint8Array(4))), null);
  assert.ok(parseCcScriptSig(concatBytes(pushData(F), pushData(new Uint8Array(10_000)))));
  assert.equal(parseCcScriptSig(concatBytes(pushData(F), pushData(new Uint8Array(10_001)))), null);
  assert.equal(parseCcScriptSig(concatBytes(pushData(F), pushData(W), pushData(W))), null);
  assert.equal(parseCcScriptSig(concatBytes(pushData(F), Uint8Array.of(OP.OP_0))), null);
  assert.equal(parseCcScriptSig(concatBytes(pushData(F), Uint8Array.of(OP.OP_1))), null);
  assert.equal(parseCcScriptSig(concatBytes(Uint8Array.of(OP.OP_PUSHDATA1, F.length), F)), null); // not shortest
  assert.equal(parseCcScriptSig(new Uint8Array(0)), null);
});

test('flag off: a CC template spend is BAD_OPCODE, exactly as in Core', () => {
  const hook = recordingHook({ ok: true });
  assert.equal(errorOf(verifyScript(pushData(F), TEMPLATE, STANDARD_SCRIPT_VERIFY_FLAGS, checker, { ccHook: hook })), 'BAD_OPCODE');
  assert.equal(hook.calls.length, 0);
});

test('flag on without a hook: CC_NO_HOST', () => {
  const r = verifyScript(pushData(F), TEMPLATE, CC, checker);
  assert.equal(errorOf(r), 'CC_NO_HOST');
  assert.equal(!r.ok && r.code, 'SCRIPT_ERR_CC_NO_HOST');
});

test('flag on: 0xcc runs the hook with F‖h, W, the template and the input; success passes its info back', () => {
  const hook = recordingHook({ ok: true, info: { evals: [0xe4] } });
  const scriptSig = concatBytes(pushData(F), pushData(W));
  const r = verifyScript(scriptSig, TEMPLATE_WITH_TAIL, STANDARD_SCRIPT_VERIFY_FLAGS | CC, checker, { ccHook: hook });
  assert.deepEqual(r, { ok: true, cc: { evals: [0xe4] } });
  assert.equal(hook.calls.length, 1);
  const req = hook.calls[0]!;
  assert.equal(toHex(req.fulfillment), toHex(F));
  assert.equal(toHex(req.witness!), toHex(W));
  assert.equal(toHex(req.template.condition), toHex(C));
  assert.equal(toHex(req.template.params!), '01e4');
  assert.equal(toHex(req.scriptSig), toHex(scriptSig));
  assert.equal(toHex(req.scriptPubKey), toHex(TEMPLATE_WITH_TAIL));
  assert.equal(req.flags, STANDARD_SCRIPT_VERIFY_FLAGS | CC);
  assert.equal(req.checker.tx, tx);
  assert.equal(req.checker.inputIndex, 0);
  // The B5 message: legacy sighash with the CC sub-script (tail excluded) as scriptCode.
  const h = F[F.length - 1]!;
  assert.deepEqual((req.checker as TransactionSignatureChecker).sighash(req.template.subScript, h), legacySighash(tx, 0, TEMPLATE, h));
  // Without a witness the request has none.
  const one = recordingHook({ ok: true });
  assert.deepEqual(verifyScript(pushData(F), TEMPLATE, CC, checker, { ccHook: one }), { ok: true });
  assert.equal(one.calls[0]!.witness, undefined);
});

test('flag on: the hook’s CC error ends the script; throws and malformed verdicts are CC_HOST_ERROR', () => {
  const sigFail = verifyScript(pushData(F), TEMPLATE, CC, checker, { ccHook: recordingHook({ ok: false, error: 'CC_SIG', message: 'node 2 signature' }) });
  assert.deepEqual(sigFail, { ok: false, error: 'CC_SIG', code: 'SCRIPT_ERR_CC_SIG', message: 'node 2 signature', phase: 'scriptPubKey', pos: 47 });
  const throwing: CryptoConditionsHook = {
    checkSpend() {
      throw new Error('host bug');
    },
  };
  const t = verifyScript(pushData(F), TEMPLATE, CC, checker, { ccHook: throwing });
  assert.equal(errorOf(t), 'CC_HOST_ERROR');
  assert.match(!t.ok ? t.message : '', /host bug/);
  const notCc = recordingHook({ ok: false, error: 'EVAL_FALSE' } as unknown as CcSpendResult);
  assert.equal(errorOf(verifyScript(pushData(F), TEMPLATE, CC, checker, { ccHook: notCc })), 'CC_HOST_ERROR');
  const junk = { checkSpend: () => 42 } as unknown as CryptoConditionsHook;
  assert.equal(errorOf(verifyScript(pushData(F), TEMPLATE, CC, checker, { ccHook: junk })), 'CC_HOST_ERROR');
});

test('flag on: a scriptSig not of the B3 form is CC_SCRIPTSIG, before the hook runs', () => {
  const hook = recordingHook({ ok: true });
  for (const bad of [fromHex('51'), concatBytes(pushData(F), fromHex('61')), concatBytes(fromHex('4c'), Uint8Array.of(F.length), F), new Uint8Array(0)]) {
    assert.equal(errorOf(verifyScript(bad, TEMPLATE, CC, checker, { ccHook: hook })), 'CC_SCRIPTSIG');
  }
  assert.equal(hook.calls.length, 0);
  // SIGPUSHONLY is Core's first check and still comes first.
  assert.equal(errorOf(verifyScript(fromHex('61'), TEMPLATE, CC | SCRIPT_VERIFY_SIGPUSHONLY, checker, { ccHook: hook })), 'SIG_PUSHONLY');
});

test('flag on: 0xcc or 0xcd executed outside a spent template is CC_TEMPLATE (scriptPubKey, scriptSig, P2SH redeem script)', () => {
  const hook = recordingHook({ ok: true });
  assert.equal(errorOf(verifyScript(fromHex('51'), fromHex('cc'), CC, checker, { ccHook: hook })), 'CC_TEMPLATE');
  assert.equal(errorOf(verifyScript(fromHex('cc'), fromHex('51'), CC, checker, { ccHook: hook })), 'CC_TEMPLATE');
  const cd = concatBytes(Uint8Array.of(C.length), C, Uint8Array.of(0xcd));
  assert.equal(errorOf(verifyScript(pushData(F), cd, CC, checker, { ccHook: hook })), 'CC_TEMPLATE');
  assert.equal(errorOf(verifyScript(pushData(F), cd, 0, checker, { ccHook: hook })), 'BAD_OPCODE');
  // The template bytes as a P2SH redeem script are not a spent CC output.
  const p2sh = buildScript(OP.OP_HASH160, hash160(TEMPLATE), OP.OP_EQUAL);
  const r = verifyScript(buildScript(F, TEMPLATE), p2sh, CC | SCRIPT_VERIFY_P2SH, checker, { ccHook: hook });
  assert.equal(errorOf(r), 'CC_TEMPLATE');
  assert.equal(!r.ok && r.phase, 'redeemScript');
  assert.equal(hook.calls.length, 0);
});

test('0xcc is inert when not executed and counts toward the 201-op limit in both modes', () => {
  const body = (n: number) => concatBytes(fromHex('0063'), new Uint8Array(n).fill(0xcc), fromHex('6851'));
  for (const flags of [0, CC]) {
    // IF + n × 0xcc + ENDIF non-push opcodes.
    assert.equal(errorOf(verifyScript(new Uint8Array(0), body(199), flags, checker)), 'OK');
    assert.equal(errorOf(verifyScript(new Uint8Array(0), body(200), flags, checker)), 'OP_COUNT');
  }
});
