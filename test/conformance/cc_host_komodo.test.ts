/**
 * CC.md C.3, host level, from crypto-conditions/komodo/komodo-vectors.json: the docs transaction's B5
 * message and its full input through the interpreter with a stub Assets module at E3 (B4, B8), the 12
 * Komodo global CC outputs (scriptPubKey, CC and normal addresses with prefix 60), the `policy`
 * predicate (B6.4) and the 1744-byte scriptSig of the 16-of-18 tree (B3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import {
  DEFAULT_ALLOWED_TYPES,
  cc1of1,
  ccAddress,
  ccAddressOfScript,
  ccCondition,
  ccOutputScript,
  fromJSON,
  mayAcceptMask,
  pubkeyAddress,
  signCcInput,
  typeByName,
  unwrap,
  type CCInput,
  type CCNode,
  type Module,
  type Secp256k1Node,
  type ThresholdNode,
} from '../../src/cc/index.ts';
import { sha256 } from '../../src/crypto/hash.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { parseCcScriptSig } from '../../src/script/cc.ts';
import { TransactionSignatureChecker } from '../../src/script/checker.ts';
import { equalBytes, fromHex, toHex, utf8 } from '../../src/util/bytes.ts';
import { hostFor, runTx } from '../examples/harness.ts';
import { printTally, readVectorJson } from '../helpers/vectors.ts';

interface DocsSpend {
  id: string;
  transcribedFields: string[];
  rawTx: string;
  inputIndex: number;
  scriptSig: string;
  hashType: number;
  scriptCode: string;
  secp256k1Msg32: string;
  globalPrivateKey: string;
  jsonUnsigned: unknown;
  json: { subfulfillments: { subfulfillments?: { signature?: string }[] }[] };
  conditionBinary: string;
  fulfillment: string;
  evalCallback: { code: string; mustReturn: boolean };
}
interface GlobalCC {
  evalName: string;
  evalCode: string;
  globalPubkey: string;
  json: unknown;
  conditionBinary: string;
  scriptPubKey: string;
  ccAddress: string;
  normalAddress: string;
}
interface Policy {
  id: string;
  json: unknown;
  mayAccept: boolean;
}
interface SizeFact {
  id: string;
  fulfillmentLength: number;
  scriptSigLength: number;
}
interface KFile {
  valid: (DocsSpend | { id: string })[];
  komodoGlobalCC: GlobalCC[];
  policy: Policy[];
  sizeFacts: SizeFact[];
}

const K = readVectorJson<KFile>('crypto-conditions/komodo/komodo-vectors.json');
const HEX = (b: Uint8Array): string => toHex(b).toUpperCase();

/** Counts named checks; a failing check is recorded with its name and reported at the end. */
class Tally {
  passed = 0;
  readonly failed: string[] = [];
  check(name: string, ok: boolean): void {
    if (ok) this.passed++;
    else this.failed.push(name);
  }
}

test('komodo docs spend: same txid, B5 message, and the full input through the host with a stub Assets module', () => {
  const v = K.valid.find((x) => x.id === 'komodo-docs-assets-global-cc-spend') as DocsSpend | undefined;
  assert.ok(v, 'vector komodo-docs-assets-global-cc-spend is missing');
  const t = new Tally();
  const documentedTxid = /[0-9a-f]{64}/.exec(v.transcribedFields.join(' '))?.[0];
  assert.ok(documentedTxid !== undefined, 'the vector names the documented txid');

  const tx = Transaction.fromHex(v.rawTx);
  t.check('rawTx hashes to the documented txid', tx.getId() === documentedTxid);
  t.check('vin 1 scriptSig is the vector scriptSig', HEX(tx.ins[v.inputIndex]!.script) === v.scriptSig);

  // B5: the project sighash (checker.sighash), cross-checked with bitcoinjs-lib.
  const scriptCode = fromHex(v.scriptCode);
  const m = new TransactionSignatureChecker(tx, v.inputIndex).sighash(scriptCode, v.hashType);
  t.check('B5 message = secp256k1Msg32', HEX(m) === v.secp256k1Msg32);
  t.check('bitcoinjs hashForSignature agrees', HEX(tx.hashForSignature(v.inputIndex, Buffer.from(scriptCode), v.hashType)) === v.secp256k1Msg32);
  t.check('the CC sub-script of the vector condition is the scriptCode', HEX(ccOutputScript(fromHex(v.conditionBinary))) === v.scriptCode);

  // The full input: verifyScript with the CC flag and the session hook, then finish() dispatching E3.
  const calls: { inputs: readonly CCInput[]; outputs: number }[] = [];
  const assets: Module = {
    name: 'assets',
    evalCode: 0xe3,
    version: 1,
    description: 'stub of Komodo Assets: accepts, records its call',
    errors: {},
    validate: (_tx, inputs, outputs) => {
      calls.push({ inputs, outputs: outputs.length });
      return { ok: true };
    },
    rpc: [],
  };
  const host = hostFor([assets]);
  // vin 0 is a normal P2PK spend; its prevout is not in the vector, but its signature verifies under
  // the transaction's own change key (vout 1, P2PK), so the unmodified transaction validates whole.
  const spent = [
    { value: 1n, script: Uint8Array.from(tx.outs[1]!.script) },
    { value: 10_000n, script: scriptCode },
  ];
  const r = runTx(host, tx, spent);
  t.check('the whole transaction validates through the interpreter and the host', r.ok);
  t.check('Assets validate ran once', calls.length === 1);
  const input = calls[0]?.inputs[0];
  t.check('Assets saw input 1 only', calls[0]?.inputs.length === 1 && input?.index === 1);
  t.check('the module input carries the B5 message', input !== undefined && HEX(input.sighash) === v.secp256k1Msg32);
  t.check('the module input carries the spent condition', input !== undefined && HEX(input.spent.condition) === v.conditionBinary);
  t.check('one eval hit with empty params', input !== undefined && input.evals.length === 1 && input.evals[0]!.length === 0);
  t.check('hash type 01', input?.hashType === 1);
  const sig = v.json.subfulfillments[1]?.subfulfillments?.[0]?.signature;
  const inner = input?.tree.type === 'threshold' ? (input.tree.children.find((c) => c.type === 'threshold') as ThresholdNode | undefined) : undefined;
  const node = inner?.children[0] as Secp256k1Node | undefined;
  t.check('the verified tree holds the vector signature', sig !== undefined && node?.signature !== undefined && HEX(node.signature) === sig);
  t.check('the transaction still has the documented txid after validation', tx.getId() === documentedTxid);

  // Re-signing with the published Assets key reproduces the scriptSig (RFC 6979), through signCcInput.
  const tree = unwrap(fromJSON(v.jsonUnsigned));
  const signed = unwrap(signCcInput(tx, v.inputIndex, { tree, spentScript: scriptCode, privateKeys: [fromHex(v.globalPrivateKey)] }));
  t.check('signCcInput reproduces the scriptSig byte for byte', HEX(signed.scriptSig) === v.scriptSig);
  t.check('signCcInput reproduces the fulfillment', HEX(signed.fulfillment) === v.fulfillment);
  t.check('signCcInput signs one node over the vector message', signed.signed === 1 && HEX(signed.sighash) === v.secp256k1Msg32);
  t.check('the builder cc1of1(E3, global key) is the vector condition', HEX(ccCondition(cc1of1(0xe3, publicKeyFromPrivate(fromHex(v.globalPrivateKey))))) === v.conditionBinary);

  printTally('cc_host_komodo_docs_spend', t.passed, t.failed.length);
  assert.deepEqual(t.failed, []);
});

test('komodo global CC outputs: 12/12 scriptPubKey, builder condition, CC address and normal address (prefix 60)', () => {
  assert.equal(K.komodoGlobalCC.length, 12);
  let passed = 0;
  const failed: string[] = [];
  for (const g of K.komodoGlobalCC) {
    const C = fromHex(g.conditionBinary);
    const pk = fromHex(g.globalPubkey);
    const fromJson = ccCondition(unwrap(fromJSON(g.json)));
    const built = ccCondition(cc1of1(parseInt(g.evalCode, 16), pk));
    const spk = ccOutputScript(C);
    const ok =
      equalBytes(fromJson, C) &&
      equalBytes(built, C) &&
      HEX(spk) === g.scriptPubKey &&
      ccAddress(C) === g.ccAddress &&
      ccAddressOfScript(spk) === g.ccAddress &&
      ccAddressOfScript(ccOutputScript(C, { evalCode: parseInt(g.evalCode, 16) })) === g.ccAddress &&
      ccAddress(C, { pubKeyHash: 60 }) === g.ccAddress &&
      pubkeyAddress(pk) === g.normalAddress;
    if (ok) passed++;
    else failed.push(g.evalName);
  }
  printTally('cc_host_komodo_global', passed, failed.length);
  assert.deepEqual(failed, []);
});

/** The mask of a JSON tree's node types, read from the names alone (two policy trees do not build in cchost). */
function jsonTypeMask(node: unknown): number {
  const n = node as { type?: unknown; subfulfillments?: unknown; subfulfillment?: unknown };
  const info = typeof n.type === 'string' ? typeByName(n.type) : undefined;
  if (info === undefined) throw new Error(`unknown type ${String(n.type)}`);
  let mask = 1 << info.id;
  if (Array.isArray(n.subfulfillments)) for (const c of n.subfulfillments) mask |= jsonTypeMask(c);
  if (n.subfulfillment !== undefined) mask |= jsonTypeMask(n.subfulfillment);
  return mask;
}

test('komodo policy: 3/3 through the B6.4 mask predicate over the default allowed types', () => {
  let passed = 0;
  const failed: string[] = [];
  for (const p of K.policy) {
    if (mayAcceptMask(jsonTypeMask(p.json), DEFAULT_ALLOWED_TYPES) === p.mayAccept) passed++;
    else failed.push(p.id);
  }
  printTally('cc_host_komodo_policy', passed, failed.length);
  assert.equal(K.policy.length, 3);
  assert.deepEqual(failed, []);
});

test('komodo size fact: the signed 16-of-18 tree is a 1744-byte scriptSig that B3 accepts and the hook verifies', () => {
  const fact = K.sizeFacts[0]!;
  const key = sha256(utf8('cchost size fact key'));
  const pk = publicKeyFromPrivate(key);
  const mk = (): CCNode => ({ type: 'threshold', threshold: 16, children: Array.from({ length: 18 }, () => ({ type: 'secp256k1', publicKey: pk }) as CCNode) });
  const spentScript = ccOutputScript(mk());
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.from(sha256(utf8('size fact prevout'))), 0, 0xffffffff);
  tx.addOutput(Buffer.from(fromHex('51')), 1000n);
  const signed = unwrap(signCcInput(tx, 0, { tree: mk(), spentScript, privateKeys: [key] }));
  tx.setInputScript(0, Buffer.from(signed.scriptSig));
  const split = parseCcScriptSig(signed.scriptSig);
  const r = runTx(hostFor([]), tx, [{ value: 2000n, script: spentScript }]);
  const checks = [
    signed.signed === 18,
    signed.fulfillment.length === fact.fulfillmentLength,
    signed.scriptSig.length === fact.scriptSigLength,
    signed.scriptSig[0] === 0x4d,
    split !== null && split.fulfillment.length === fact.fulfillmentLength + 1,
    r.ok,
  ];
  const passed = checks.every(Boolean);
  printTally('cc_host_komodo_size', passed ? 1 : 0, passed ? 0 : 1);
  assert.deepEqual(checks, checks.map(() => true));
});
