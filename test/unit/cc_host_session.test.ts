/**
 * The CC session and module host (CC.md B7, B8): dispatch once per (transaction, module) in ascending
 * eval code, output creation rules C1–C4 (coinbase included), verdict checking, exceptions, the
 * validation context, script-cache reuse, and the registry's start-up checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import {
  CcHostErrorCode,
  EMPTY_INDEX,
  cc1of1,
  ccMultiEval,
  ccOutputScript,
  createCcHost,
  createModuleRegistry,
  deriveCondition,
  encodeCondition,
  evalNode,
  signCcInput,
  unwrap,
  type CCInput,
  type CCNode,
  type CCOutput,
  type HostCoin,
  type Module,
  type ModuleIndexReader,
  type ValidationContext,
  type Verdict,
} from '../../src/cc/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { pushData } from '../../src/script/builder.ts';
import { TransactionSignatureChecker } from '../../src/script/checker.ts';
import { STANDARD_SCRIPT_VERIFY_FLAGS } from '../../src/script/flags.ts';
import { verifyScript } from '../../src/script/interpreter.ts';
import { concatBytes, equalBytes, utf8 } from '../../src/util/bytes.ts';
import { HARNESS_FLAGS, chainWith, hostFor, runTx, type TxOutcome } from '../examples/harness.ts';

const key = sha256(utf8('session key'));
const pk = publicKeyFromPrivate(key);
const OP_TRUE = Uint8Array.of(0x51);

type Call = { module: string; hook: 'validate' | 'validateOutputs'; inputs: readonly CCInput[]; outputs: readonly CCOutput[]; ctx: ValidationContext };

/** A module that logs its calls and returns `verdict` (default ok). */
function logging(name: string, evalCode: number, log: Call[], o: Partial<Module> & { verdict?: () => unknown; outVerdict?: () => unknown } = {}): Module {
  const { verdict, outVerdict, ...rest } = o;
  return {
    name,
    evalCode,
    version: 1,
    description: name,
    errors: { BAD_THING: 'a bad thing' },
    validate: (_tx, inputs, outputs, ctx) => {
      log.push({ module: name, hook: 'validate', inputs, outputs, ctx });
      return (verdict !== undefined ? verdict() : { ok: true }) as Verdict;
    },
    validateOutputs: (_tx, outputs, ctx) => {
      log.push({ module: name, hook: 'validateOutputs', inputs: [], outputs, ctx });
      return (outVerdict !== undefined ? outVerdict() : { ok: true }) as Verdict;
    },
    rpc: [],
    ...rest,
  };
}

function tx(ins: readonly { txid: Uint8Array; vout: number }[], outs: readonly { script: Uint8Array; value: bigint }[]): Transaction {
  const t = new Transaction();
  t.version = 1;
  for (const i of ins) t.addInput(Buffer.from(i.txid), i.vout, 0xffffffff);
  for (const o of outs) t.addOutput(Buffer.from(o.script), o.value);
  return t;
}

const prev = (n: number): { txid: Uint8Array; vout: number } => ({ txid: sha256(utf8(`session prev ${n}`)), vout: n });

/** A transaction spending one CC coin per tree (each signed by `key`), to `outs`. */
function spending(trees: readonly CCNode[], outs: readonly { script: Uint8Array; value: bigint }[], tails: readonly (number | undefined)[] = []): { t: Transaction; spent: HostCoin[] } {
  const spent = trees.map((tr, i) => ({ value: 10_000n, script: ccOutputScript(tr, tails[i] !== undefined ? { evalCode: tails[i]! } : undefined) }));
  const t = tx(trees.map((_, i) => prev(i)), outs);
  trees.forEach((tr, i) => {
    t.setInputScript(i, Buffer.from(unwrap(signCcInput(t, i, { tree: tr, spentScript: spent[i]!.script, privateKeys: [key] })).scriptSig));
  });
  return { t, spent };
}

const fail = (r: TxOutcome): string => (r.ok ? 'OK' : r.code);

test('B8.3: three inputs of one module make exactly one validate call, with all three inputs', () => {
  const log: Call[] = [];
  const host = hostFor([logging('alpha', 0x70, log)]);
  const { t, spent } = spending([cc1of1(0x70, pk), cc1of1(0x70, pk), cc1of1(0x70, pk)], [{ script: OP_TRUE, value: 1n }]);
  assert.equal(fail(runTx(host, t, spent)), 'OK');
  assert.deepEqual(log.map((c) => [c.module, c.hook, c.inputs.map((i) => i.index)]), [['alpha', 'validate', [0, 1, 2]]]);
  const i0 = log[0]!.inputs[0]!;
  assert.ok(equalBytes(i0.prevout.txid, prev(0).txid));
  assert.equal(i0.prevout.vout, 0);
  assert.equal(i0.spent.value, 10_000n);
  assert.ok(equalBytes(i0.spent.script, spent[0]!.script));
});

test('B8.3: modules run in ascending eval code, validateOutputs before validate, each once', () => {
  const log: Call[] = [];
  const host = hostFor([logging('beta', 0x72, log), logging('alpha', 0x70, log)]);
  const outs = [
    { script: ccOutputScript(cc1of1(0x72, pk), { evalCode: 0x72 }), value: 5n },
    { script: ccOutputScript(cc1of1(0x70, pk), { evalCode: 0x70 }), value: 6n },
  ];
  const { t, spent } = spending([cc1of1(0x72, pk), cc1of1(0x70, pk)], outs);
  assert.equal(fail(runTx(host, t, spent)), 'OK');
  assert.deepEqual(
    log.map((c) => [c.module, c.hook, c.inputs.map((i) => i.index), c.outputs.map((o) => o.index)]),
    [
      ['alpha', 'validateOutputs', [], [1]],
      ['alpha', 'validate', [1], [1]],
      ['beta', 'validateOutputs', [], [0]],
      ['beta', 'validate', [0], [0]],
    ],
  );
});

test('B8.3: a module with outputs but no inputs gets validateOutputs only; one without validateOutputs is skipped', () => {
  const log: Call[] = [];
  const host = hostFor([logging('alpha', 0x70, log), logging('gamma', 0x73, log, { validateOutputs: undefined })]);
  const t = tx([prev(0)], [
    { script: ccOutputScript(cc1of1(0x70, pk), { evalCode: 0x70 }), value: 1n },
    { script: ccOutputScript(cc1of1(0x73, pk), { evalCode: 0x73 }), value: 1n },
  ]);
  assert.equal(fail(runTx(host, t, [{ value: 5n, script: OP_TRUE }])), 'OK');
  assert.deepEqual(log.map((c) => [c.module, c.hook]), [['alpha', 'validateOutputs']]);
});

test('B8.2: a multi-eval input reaches each of its modules; several evals of one module are listed in DER order', () => {
  const log: Call[] = [];
  const host = hostFor([logging('alpha', 0x70, log), logging('beta', 0x72, log)]);
  const two: CCNode = { type: 'threshold', threshold: 3, children: [evalNode(0x70, Uint8Array.of(2)), evalNode(0x70, Uint8Array.of(1)), cc1of1(0x70, pk).children[1]!] };
  const { t, spent } = spending([ccMultiEval([0x72, 0x70], pk), two], [{ script: OP_TRUE, value: 1n }]);
  assert.equal(fail(runTx(host, t, spent)), 'OK');
  assert.deepEqual(
    log.map((c) => [c.module, c.inputs.map((i) => [i.index, i.evals.map((e) => [...e])])]),
    [
      ['alpha', [[0, [[]]], [1, [[1], [2]]]]],
      ['beta', [[0, [[]]]]],
    ],
  );
});

test('B7: each creation rule C1–C4 rejects with CC_OUTPUT, its rule and the output index', () => {
  const log: Call[] = [];
  const host = hostFor([logging('alpha', 0x70, log), logging('authz', 0x72, log, { authorizesSpends: true }), logging('late', 0x74, log)], { activation: { late: 10 } });
  const relaxed = { limits: { maxRootCost: 0xffffffff } };
  const heavy = encodeCondition(unwrap(deriveCondition(ccMultiEval([0x70, 0x72, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79], pk), relaxed)));
  const prefix: CCNode = { type: 'prefix', prefix: utf8('p'), maxMessageLength: 100, child: { type: 'secp256k1', publicKey: pk } };
  const cases: [string, Uint8Array, string][] = [
    ['garbage condition', concatBytes(Uint8Array.of(5, 1, 2, 3, 4, 5, 0xcc)), 'B7.C1'],
    ['a prefix type (off by default)', ccOutputScript(prefix), 'B7.C2'],
    ['cost above 2^23', ccOutputScript(heavy), 'B7.C2'],
    ['tail version 2', concatBytes(ccOutputScript(cc1of1(0x70, pk)), pushData(Uint8Array.of(2, 0x70)), Uint8Array.of(0x75)), 'B7.C3'],
    ['tail naming an unregistered module', ccOutputScript(cc1of1(0x99, pk), { evalCode: 0x99 }), 'B7.C3'],
    ['tail naming a module not yet active', ccOutputScript(cc1of1(0x74, pk), { evalCode: 0x74 }), 'B7.C3'],
    ['eval-only under a module that does not authorize spends', ccOutputScript(evalNode(0x70), { evalCode: 0x70 }), 'B7.C4'],
    ['eval-only without tail', ccOutputScript(evalNode(0x72)), 'B7.C4'],
    ['preimage only', ccOutputScript({ type: 'preimage', preimage: utf8('secret') }), 'B7.C4'],
  ];
  for (const [what, script, rule] of cases) {
    const t = tx([prev(0)], [{ script: OP_TRUE, value: 1n }, { script, value: 2n }]);
    const r = runTx(host, t, [{ value: 5n, script: OP_TRUE }], { height: 5 });
    assert.deepEqual([r.ok, !r.ok && r.code, !r.ok && r.output, !r.ok && r.message.startsWith(`${rule}:`)], [false, 'CC_OUTPUT', 1, true], what);
  }
  const okay = tx([prev(0)], [{ script: ccOutputScript(evalNode(0x72, utf8('agg')), { evalCode: 0x72 }), value: 2n }]);
  assert.equal(fail(runTx(host, okay, [{ value: 5n, script: OP_TRUE }], { height: 5 })), 'OK', 'eval-only under an authorizesSpends module');
  assert.equal(fail(runTx(host, tx([prev(0)], [{ script: ccOutputScript(cc1of1(0x74, pk), { evalCode: 0x74 }), value: 2n }]), [{ value: 5n, script: OP_TRUE }], { height: 10 })), 'OK', 'late is active at 10');
});

test('B7: coinbase outputs follow C1–C4 and C5', () => {
  const log: Call[] = [];
  const host = hostFor([logging('alpha', 0x70, log)]);
  const cb = (script: Uint8Array): Transaction => {
    const t = new Transaction();
    t.version = 1;
    t.addInput(Buffer.alloc(32), 0xffffffff, 0xffffffff, Buffer.from([1, 1]));
    t.addOutput(Buffer.from(script), 50n);
    return t;
  };
  assert.equal(fail(runTx(host, cb(ccOutputScript(cc1of1(0x70, pk), { evalCode: 0x70 })), [])), 'OK');
  assert.deepEqual(log.map((c) => c.hook), ['validateOutputs']);
  assert.equal(fail(runTx(host, cb(ccOutputScript(cc1of1(0x70, pk), { evalCode: 0x71 })), [])), 'CC_OUTPUT');
});

test('B8.6: malformed verdicts and undeclared codes are CC_MODULE_RESULT; a declared code is <name>/<CODE> with its input', () => {
  const bad: [string, () => unknown][] = [
    ['undefined', () => undefined],
    ['a string', () => 'ok'],
    ['ok not boolean', () => ({ ok: 'yes' })],
    ['undeclared code', () => ({ ok: false, code: 'NOT_DECLARED', message: 'x' })],
    ['inherited key as code', () => ({ ok: false, code: 'toString', message: 'x' })],
    ['message not a string', () => ({ ok: false, code: 'BAD_THING', message: 5 })],
    ['input out of range', () => ({ ok: false, code: 'BAD_THING', message: 'x', input: 1 })],
    ['input not an integer', () => ({ ok: false, code: 'BAD_THING', message: 'x', input: 0.5 })],
    ['a promise', () => Promise.resolve({ ok: true })],
    [
      'a getter that throws',
      () =>
        Object.defineProperty({}, 'ok', {
          get() {
            throw new Error('no');
          },
        }),
    ],
  ];
  for (const [what, verdict] of bad) {
    const host = hostFor([logging('alpha', 0x70, [], { verdict })]);
    const { t, spent } = spending([cc1of1(0x70, pk)], [{ script: OP_TRUE, value: 1n }]);
    assert.equal(fail(runTx(host, t, spent)), 'CC_MODULE_RESULT', what);
  }
  const host = hostFor([logging('alpha', 0x70, [], { verdict: () => ({ ok: false, code: 'BAD_THING', message: 'bad', input: 0 }) })]);
  const { t, spent } = spending([cc1of1(0x70, pk)], [{ script: OP_TRUE, value: 1n }]);
  const r = runTx(host, t, spent);
  assert.deepEqual([r.ok, !r.ok && r.code, !r.ok && r.input, !r.ok && r.message], [false, 'alpha/BAD_THING', 0, 'bad']);
});

test('B8.6: anything thrown by validateOutputs is CC_MODULE_THREW; the first rejection stops dispatch', () => {
  for (const thrown of [new Error('x'), 42, { toString: (): string => { throw new Error('unprintable'); } }]) {
    const host = hostFor([
      logging('alpha', 0x70, [], {
        outVerdict: () => {
          throw thrown;
        },
      }),
    ]);
    const t = tx([prev(0)], [{ script: ccOutputScript(cc1of1(0x70, pk), { evalCode: 0x70 }), value: 1n }]);
    assert.equal(fail(runTx(host, t, [{ value: 5n, script: OP_TRUE }])), 'CC_MODULE_THREW');
  }
  const log: Call[] = [];
  const host = hostFor([logging('alpha', 0x70, log, { verdict: () => ({ ok: false, code: 'BAD_THING', message: 'no' }) }), logging('beta', 0x72, log)]);
  const { t, spent } = spending([cc1of1(0x72, pk), cc1of1(0x70, pk)], [{ script: OP_TRUE, value: 1n }]);
  assert.equal(fail(runTx(host, t, spent)), 'alpha/BAD_THING');
  assert.deepEqual(log.map((c) => c.module), ['alpha']);
});

test('B8.4: the context carries mode, height, block time, params, txid, the view and the module index', () => {
  const log: Call[] = [];
  const index: ModuleIndexReader = { get: (k) => (k[0] === 1 ? Uint8Array.of(9) : undefined), scan: () => [] };
  const asked: string[] = [];
  const spender = { txid: sha256(utf8('spender')), vin: 3 };
  const pendingTx = tx([prev(9)], [{ script: OP_TRUE, value: 1n }]);
  const alpha = logging('alpha', 0x70, log);
  const host = unwrap(
    createCcHost({
      chain: { ...chainWith([]), cc: { ...chainWith([]).cc, modules: [{ name: 'alpha', evalCode: 0x70, version: 1, activationHeight: 0, params: { fee: 7 } }] } },
      modules: [alpha],
      index: (name) => {
        asked.push(name);
        return index;
      },
      spender: () => spender,
    }),
  );
  const { t, spent } = spending([cc1of1(0x70, pk)], [{ script: OP_TRUE, value: 1n }]);
  assert.equal(fail(runTx(host, t, spent, { height: 42, mode: 'mempool', pendingTx: (id) => (equalBytes(id, pendingTx.getHash()) ? pendingTx : undefined) })), 'OK');
  const ctx = log[0]!.ctx;
  assert.deepEqual([ctx.mode, ctx.height, ctx.blockTime, ctx.blockTimeMs, ctx.params], ['mempool', 42, 1_735_689_600, 1_735_689_600_000, { fee: 7 }]);
  assert.ok(equalBytes(ctx.txid, t.getHash()));
  assert.equal(ctx.view.getUtxo(prev(0).txid, 0)?.value, 10_000n);
  assert.equal(ctx.view.getUtxo(prev(0).txid, 1), undefined);
  assert.equal(ctx.view.getTx(pendingTx.getHash()), pendingTx);
  assert.equal(ctx.view.getTx(sha256(utf8('nothing'))), undefined);
  assert.equal(ctx.view.getSpender(prev(0).txid, 0), spender);
  assert.deepEqual([...(ctx.index.get(Uint8Array.of(1)) ?? [])], [9]);
  assert.deepEqual(asked, ['alpha']);
  assert.equal(EMPTY_INDEX.get(Uint8Array.of(1)), undefined);
});

test('session: an input the hook never verified is CC_HOST_ERROR; a hook called for another input fails; flag off dispatches nothing', () => {
  const log: Call[] = [];
  const host = hostFor([logging('alpha', 0x70, log)]);
  const { t, spent } = spending([cc1of1(0x70, pk), cc1of1(0x70, pk)], [{ script: OP_TRUE, value: 1n }]);
  const ctx = { mode: 'block' as const, height: 1, blockTimeMs: 0, spec: host.chain, flags: HARNESS_FLAGS, txid: t.getHash(), view: { getCoin: () => undefined }, pendingTx: () => undefined };
  const s = host.beginTransaction(t, spent, ctx);
  const f = s.finish();
  assert.deepEqual([f.ok, !f.ok && f.error.code, !f.ok && f.error.input], [false, CcHostErrorCode.HOST_ERROR, 0]);
  const wrong = verifyScript(t.ins[1]!.script, spent[1]!.script, HARNESS_FLAGS, new TransactionSignatureChecker(t, 1), { ccHook: s.hookForInput(0) });
  assert.deepEqual([wrong.ok, !wrong.ok && wrong.error], [false, 'CC_HOST_ERROR']);
  const off = host.beginTransaction(t, spent, { ...ctx, flags: STANDARD_SCRIPT_VERIFY_FLAGS });
  assert.equal(off.finish().ok, true);
  assert.deepEqual(log, []);
});

test('session: reuseInput takes back only this host\'s info for the same txid, input and script, while its modules are active', () => {
  const log: Call[] = [];
  const host = hostFor([logging('late', 0x74, log)], { activation: { late: 10 } });
  const { t, spent } = spending([cc1of1(0x74, pk)], [{ script: OP_TRUE, value: 1n }]);
  const ctx = { mode: 'mempool' as const, height: 12, blockTimeMs: 0, spec: host.chain, flags: HARNESS_FLAGS, txid: t.getHash(), view: { getCoin: () => undefined }, pendingTx: () => undefined };
  const first = host.beginTransaction(t, spent, ctx);
  const r = verifyScript(t.ins[0]!.script, spent[0]!.script, HARNESS_FLAGS, new TransactionSignatureChecker(t, 0), { ccHook: first.hookForInput(0) });
  assert.ok(r.ok);
  const info = r.cc;
  const block = host.beginTransaction(t, spent, { ...ctx, mode: 'block' });
  assert.equal(block.reuseInput(0, { ...(info as object) }), false, 'a copy is not an issued info');
  assert.equal(block.reuseInput(1, info), false, 'another input index');
  assert.equal(host.beginTransaction(t, spent, { ...ctx, txid: sha256(utf8('other')) }).reuseInput(0, info), false, 'another txid');
  assert.equal(host.beginTransaction(t, [{ value: 1n, script: ccOutputScript(cc1of1(0x74, pk), { evalCode: 0x74 }) }], ctx).reuseInput(0, info), false, 'another spent script');
  assert.equal(host.beginTransaction(t, spent, { ...ctx, height: 9 }).reuseInput(0, info), false, 'module not active at 9');
  const other = hostFor([logging('late', 0x74, [])], { activation: { late: 10 } });
  assert.equal(other.beginTransaction(t, spent, { ...ctx, spec: other.chain }).reuseInput(0, info), false, "another host's info");
  assert.equal(block.reuseInput(0, info), true);
  assert.equal(block.finish().ok, true);
  assert.deepEqual(log.map((c) => [c.ctx.mode, c.inputs.length, c.inputs[0]!.hashType]), [['block', 1, 1]]);
});

test('B8.1: the registry refuses unknown, mismatched, duplicate and malformed modules with typed errors', () => {
  const m = (o: Partial<Module> = {}): Module => ({ name: 'alpha', evalCode: 0x70, version: 1, description: '', errors: {}, validate: () => ({ ok: true }), rpc: [], ...o });
  const spec = (o: Partial<{ name: string; evalCode: number; version: number; activationHeight: number }> = {}) => ({ name: 'alpha', evalCode: 0x70, version: 1, activationHeight: 0, ...o });
  const code = (r: { ok: boolean; error?: { code: string } }): string => (r.ok ? 'OK' : r.error!.code);
  assert.equal(code(createModuleRegistry([spec()], [m()])), 'OK');
  assert.equal(code(createModuleRegistry([spec({ name: 'beta' })], [m()])), CcHostErrorCode.REGISTRY_UNKNOWN);
  assert.equal(code(createModuleRegistry([spec({ version: 2 })], [m()])), CcHostErrorCode.REGISTRY_VERSION);
  assert.equal(code(createModuleRegistry([spec({ evalCode: 0x71 })], [m()])), CcHostErrorCode.REGISTRY_EVAL_CODE);
  assert.equal(code(createModuleRegistry([spec(), spec({ name: 'beta' })], [m(), m({ name: 'beta' })])), CcHostErrorCode.REGISTRY_DUPLICATE);
  assert.equal(code(createModuleRegistry([spec(), spec({ evalCode: 0x71 })], [m()])), CcHostErrorCode.REGISTRY_DUPLICATE);
  assert.equal(code(createModuleRegistry([], [m(), m()])), CcHostErrorCode.REGISTRY_DUPLICATE);
  assert.equal(code(createModuleRegistry([spec({ evalCode: 0 })], [m()])), CcHostErrorCode.REGISTRY_INVALID);
  assert.equal(code(createModuleRegistry([spec()], [m({ errors: { bad: 'lower case' } })])), CcHostErrorCode.REGISTRY_INVALID);
  assert.equal(code(createModuleRegistry([spec()], [m({ validate: undefined as unknown as Module['validate'] })])), CcHostErrorCode.REGISTRY_INVALID);
  assert.equal(code(createModuleRegistry([spec()], [m({ name: 'Alpha!' })])), CcHostErrorCode.REGISTRY_INVALID);
  const reg = unwrap(createModuleRegistry([spec({ activationHeight: 5 })], [m(), m({ name: 'unused', evalCode: 0x71 })]));
  assert.deepEqual([reg.entries.length, reg.get(0x70)?.module.name, reg.active(0x70, 4), reg.active(0x70, 5)?.evalCode, reg.get(0x71)], [1, 'alpha', undefined, 0x70, undefined]);
  const h = createCcHost({ chain: chainWith([{ name: 'alpha', evalCode: 0x70, version: 3 }]), modules: [m()] });
  assert.equal(code(h), CcHostErrorCode.REGISTRY_VERSION);
});

test('host: a transaction context from another chain is refused (thrown, which validation reports as a host error)', () => {
  const host = hostFor([logging('alpha', 0x70, [])]);
  const t = tx([prev(0)], [{ script: OP_TRUE, value: 1n }]);
  const ctx = { mode: 'block' as const, height: 1, blockTimeMs: 0, flags: HARNESS_FLAGS, txid: t.getHash(), view: { getCoin: () => undefined }, pendingTx: () => undefined };
  assert.throws(() => host.beginTransaction(t, [], { ...ctx, spec: chainWith([]) }), /another chain/);
  assert.doesNotThrow(() => host.beginTransaction(t, [], { ...ctx, spec: chainWith([{ name: 'alpha', evalCode: 0x70 }]) }));
});
