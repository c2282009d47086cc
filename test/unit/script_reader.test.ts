import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { decodeScript, isPayToScriptHash, isPushOnly, readOp } from '../../src/script/reader.ts';
import { OP, opcodeFromNotationName, opcodeName } from '../../src/script/opcodes.ts';
import { buildScript, p2pkhScript, pushData, pushDataMinimal, pushNumber } from '../../src/script/builder.ts';
import { decodeScriptNum, encodeScriptNum, isMinimalScriptNum } from '../../src/script/num.ts';
import {
  MANDATORY_SCRIPT_VERIFY_FLAGS,
  SCRIPT_VERIFY_CRYPTOCONDITIONS,
  STANDARD_SCRIPT_VERIFY_FLAGS,
  formatScriptFlags,
  parseScriptFlags,
} from '../../src/script/flags.ts';
import { SCRIPT_ERRORS, scriptErrorCode } from '../../src/script/errors.ts';

test('reader keeps a non-minimal PUSHDATA1 push exactly and reports its raw extent', () => {
  const op = readOp(fromHex('4c0107ac'), 0);
  assert.deepEqual(op && { ...op, data: toHex((op as { data: Uint8Array }).data) }, {
    kind: 'push',
    opcode: OP.OP_PUSHDATA1,
    start: 0,
    end: 3,
    data: '07',
  });
  assert.deepEqual(readOp(fromHex('4c0107ac'), 3), { kind: 'op', opcode: OP.OP_CHECKSIG, start: 3, end: 4 });
  assert.equal(readOp(fromHex('ac'), 1), undefined);
});

test('reader reports truncated pushes where Core’s GetOp stops', () => {
  // Missing length byte: stops after the opcode.
  assert.deepEqual(readOp(fromHex('4c'), 0), { kind: 'truncated', opcode: 0x4c, start: 0, end: 1 });
  // One of two PUSHDATA2 length bytes: stops after the opcode.
  assert.deepEqual(readOp(fromHex('4d01'), 0), { kind: 'truncated', opcode: 0x4d, start: 0, end: 1 });
  // Length readable, data short: stops after the length bytes.
  assert.deepEqual(readOp(fromHex('4d0200ff'), 0), { kind: 'truncated', opcode: 0x4d, start: 0, end: 3 });
  assert.deepEqual(readOp(fromHex('4e03000000ffff'), 0), { kind: 'truncated', opcode: 0x4e, start: 0, end: 5 });
  assert.deepEqual(readOp(fromHex('05aabb'), 0), { kind: 'truncated', opcode: 0x05, start: 0, end: 1 });
  const ops = decodeScript(fromHex('51' + '4c'));
  assert.deepEqual(
    ops.map((o) => o.kind),
    ['op', 'truncated'],
  );
});

test('isPushOnly follows Core: OP_RESERVED counts as a push, truncation and opcodes above OP_16 do not', () => {
  assert.equal(isPushOnly(fromHex('')), true);
  assert.equal(isPushOnly(fromHex('00514f506002aabb')), true);
  assert.equal(isPushOnly(fromHex('0061')), false);
  assert.equal(isPushOnly(fromHex('cc')), false);
  assert.equal(isPushOnly(fromHex('4c')), false);
  assert.equal(isPayToScriptHash(fromHex('a914' + '00'.repeat(20) + '87')), true);
  assert.equal(isPayToScriptHash(fromHex('a94c14' + '00'.repeat(20) + '87')), false);
});

test('opcode names follow Core’s GetOpName, with cchost names for 0xcc/0xcd', () => {
  assert.equal(opcodeName(0x00), '0');
  assert.equal(opcodeName(0x4f), '-1');
  assert.equal(opcodeName(0x60), '16');
  assert.equal(opcodeName(0xb1), 'OP_CHECKLOCKTIMEVERIFY');
  assert.equal(opcodeName(0xcc), 'OP_CHECKCRYPTOCONDITION');
  assert.equal(opcodeName(0xcd), 'OP_CHECKCRYPTOCONDITIONVERIFY');
  assert.equal(opcodeName(0xba), 'OP_CHECKSIGADD');
  assert.equal(opcodeName(0xce), 'OP_UNKNOWN');
  assert.equal(opcodeName(0xff), 'OP_INVALIDOPCODE');
  assert.equal(opcodeFromNotationName('NOP2'), undefined);
  assert.equal(opcodeFromNotationName('CHECKLOCKTIMEVERIFY'), 0xb1);
  assert.equal(opcodeFromNotationName('OP_CHECKCRYPTOCONDITION'), 0xcc);
  assert.equal(opcodeFromNotationName('1'), undefined);
});

test('builders push with the shortest prefix; the minimal form uses OP_n where MINIMALDATA wants it', () => {
  assert.equal(toHex(pushData(new Uint8Array(0))), '00');
  assert.equal(toHex(pushData(fromHex('07'))), '0107');
  assert.equal(toHex(pushData(new Uint8Array(75))).slice(0, 2), '4b');
  assert.equal(toHex(pushData(new Uint8Array(76))).slice(0, 4), '4c4c');
  assert.equal(toHex(pushData(new Uint8Array(256))).slice(0, 6), '4d0001');
  assert.equal(toHex(pushData(new Uint8Array(65536))).slice(0, 10), '4e00000100');
  assert.equal(toHex(pushDataMinimal(fromHex('07'))), '57');
  assert.equal(toHex(pushDataMinimal(fromHex('81'))), '4f');
  assert.equal(toHex(pushDataMinimal(fromHex('00'))), '0100');
  assert.equal(toHex(pushNumber(0)), '00');
  assert.equal(toHex(pushNumber(-1)), '4f');
  assert.equal(toHex(pushNumber(16)), '60');
  assert.equal(toHex(pushNumber(17)), '0111');
  assert.equal(toHex(pushNumber(1000)), '02e803');
  assert.equal(toHex(pushNumber(-0xffffffff)), '05ffffffff80');
  assert.equal(toHex(p2pkhScript(new Uint8Array(20))), '76a914' + '00'.repeat(20) + '88ac');
  assert.equal(toHex(buildScript(OP.OP_1, fromHex('aabb'), OP.OP_EQUAL)), '5102aabb87');
  assert.throws(() => buildScript(256), { code: 'SCRIPT_BAD_ARGUMENT' });
});

test('script numbers: encoding, 4/5-byte limits and the minimal-encoding rule', () => {
  assert.equal(toHex(encodeScriptNum(0)), '');
  assert.equal(toHex(encodeScriptNum(127)), '7f');
  assert.equal(toHex(encodeScriptNum(128)), '8000');
  assert.equal(toHex(encodeScriptNum(-128)), '8080');
  assert.equal(toHex(encodeScriptNum(255)), 'ff00');
  assert.equal(toHex(encodeScriptNum(-255)), 'ff80');
  assert.equal(toHex(encodeScriptNum(4294967294)), 'feffffff00');
  assert.equal(toHex(encodeScriptNum(-(2n ** 63n))), '000000000000008080');
  assert.deepEqual(decodeScriptNum(fromHex('ff80'), { minimal: true }), { ok: true, value: -255 });
  assert.deepEqual(decodeScriptNum(fromHex('0000'), {}), { ok: true, value: 0 });
  assert.equal(decodeScriptNum(fromHex('0000'), { minimal: true }).ok, false);
  assert.equal(decodeScriptNum(fromHex('80'), { minimal: true }).ok, false); // negative zero
  const over = decodeScriptNum(fromHex('0000000001'));
  assert.equal(!over.ok && over.error.code, 'SCRIPTNUM_OVERFLOW');
  assert.deepEqual(decodeScriptNum(fromHex('ffffffff7f'), { maxLen: 5 }), { ok: true, value: 549755813887 });
  assert.equal(isMinimalScriptNum(fromHex('ff00')), true);
  assert.equal(isMinimalScriptNum(fromHex('7f00')), false);
  assert.throws(() => encodeScriptNum(1.5), { code: 'SCRIPT_BAD_NUMBER' });
});

test('flags use Core’s bit numbers; the mandatory and standard sets equal Core’s values; the CC flag is bit 30', () => {
  assert.deepEqual(parseScriptFlags('P2SH,STRICTENC'), { ok: true, value: 3 });
  assert.deepEqual(parseScriptFlags('NONE'), { ok: true, value: 0 });
  assert.deepEqual(parseScriptFlags(''), { ok: true, value: 0 });
  assert.deepEqual(parseScriptFlags('CHECKSEQUENCEVERIFY'), { ok: true, value: 1 << 10 });
  assert.deepEqual(parseScriptFlags('DISCOURAGE_UPGRADABLE_PUBKEYTYPE'), { ok: true, value: 1 << 20 });
  const bad = parseScriptFlags('P2SH,NOPE');
  assert.equal(!bad.ok && bad.error.code, 'SCRIPT_FLAGS_UNKNOWN');
  assert.equal(!bad.ok && bad.error.name, 'NOPE');
  // P2SH(0) DERSIG(2) NULLDUMMY(4) CLTV(9) CSV(10) WITNESS(11) TAPROOT(17)
  assert.equal(MANDATORY_SCRIPT_VERIFY_FLAGS, 0x20e15);
  // All 21 Core flags except SIGPUSHONLY (bit 5).
  assert.equal(STANDARD_SCRIPT_VERIFY_FLAGS, 0x1fffdf);
  assert.equal(SCRIPT_VERIFY_CRYPTOCONDITIONS, 0x40000000);
  assert.equal(formatScriptFlags(5), 'P2SH,DERSIG');
});

test('error names carry the SCRIPT_ERR_ form of Core’s enum', () => {
  assert.equal(scriptErrorCode('EVAL_FALSE'), 'SCRIPT_ERR_EVAL_FALSE');
  assert.equal(scriptErrorCode('NULLFAIL'), 'SCRIPT_ERR_SIG_NULLFAIL');
  assert.equal(scriptErrorCode('CC_TEMPLATE'), 'SCRIPT_ERR_CC_TEMPLATE');
  for (const name of ['OK', 'BAD_OPCODE', 'SCRIPTNUM', 'SIG_FINDANDDELETE', 'CC_NO_HOST'] as const) {
    assert.equal(typeof SCRIPT_ERRORS[name], 'string');
  }
});
