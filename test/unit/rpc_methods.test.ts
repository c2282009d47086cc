/**
 * The node's RPC methods against a real in-process node (temp datadir, dev chain, manual block
 * production), served by `buildRpcServer` and called with `inject`: results of every method, and
 * every parameter error class with the parameter named.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from 'bitcoinjs-lib';
import { cc1of1 } from '../../src/cc/sdk/builders.ts';
import { ccOutputScript } from '../../src/cc/sdk/script.ts';
import { decodeBlock } from '../../src/chain/block/block.ts';
import { decodeHeader } from '../../src/chain/block/header.ts';
import { blockId } from '../../src/chain/block/sign.ts';
import { COIN } from '../../src/chain/params.ts';
import { encodeAddress } from '../../src/crypto/address.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { keyScript, signedP2pkh, startTestNode } from './node_fixture.ts';
import type { TestNode } from './node_fixture.ts';

let t: TestNode;
let genesisTxid: string;

before(async () => {
  t = await startTestNode({ keys: 3 });
  t.produce();
  genesisTxid = (await t.ok<{ tx: string[] }>('getblock', ['0', 1])).tx[0]!;
});

after(async () => {
  await t.close();
});

const ZERO64 = '0'.repeat(64);

test('getblockchaininfo: the single producer finalizes its own blocks (LIB = head) and names its certificates', async () => {
  const before = await t.ok<{ blocks: number }>('getblockchaininfo');
  t.produce();
  const info = await t.ok<Record<string, unknown> & { finality: Record<string, unknown> }>('getblockchaininfo');
  assert.equal(info['blocks'], before.blocks + 1);
  assert.equal(info['lastirreversible'], info['blocks']);
  assert.equal(info['lastirreversiblehash'], info['bestblockhash']);
  assert.equal(info.finality['head_final'], true);
  assert.deepEqual(info.finality['finalref'], { hash: (await t.ok('getblockhash', [before.blocks])) as string, height: before.blocks, slot: (info['slot'] as number) - 1 });
  assert.equal(info['chain'], 'cchost-dev');
  assert.equal(info['chainid'], t.node.ctx.chainId);
});

test('getblockcount, getbestblockhash and getblockhash agree with the tip; getchaininfo uses Antelope names', async () => {
  const height = await t.ok<number>('getblockcount');
  const best = await t.ok<string>('getbestblockhash');
  assert.equal(await t.ok('getblockhash', [height]), best);
  assert.equal(toHex(t.node.ctx.tip().id), best);
  const info = await t.ok<Record<string, unknown>>('getchaininfo');
  assert.equal(info['head_block_num'], height);
  assert.equal(info['head_block_id'], best);
  assert.equal(info['head_block_producer'], 'producer');
  assert.equal(info['last_irreversible_block_num'], height);
  assert.equal(info['last_irreversible_block_id'], best);
  assert.equal(info['proposed_lib_num'], height - 1, 'the head block claims its parent as final');
  assert.match(info['head_block_time'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(info['chain_id'], t.node.ctx.chainId);
  const rest = await t.app.inject({ method: 'GET', url: '/v1/chain/info' });
  assert.equal(rest.statusCode, 200);
  assert.deepEqual(rest.json(), info);
});

test('getblock: verbosity 0 is the stored block, 1 lists txids, 2 decodes transactions; a height works too', async () => {
  const height = await t.ok<number>('getblockcount');
  const hash = await t.ok<string>('getblockhash', [height]);
  const hex = await t.ok<string>('getblock', [hash, 0]);
  const decoded = decodeBlock(fromHex(hex));
  assert.ok(decoded.ok);
  assert.equal(toHex(blockId(decoded.value.header)), hash);
  const v1 = await t.ok<Record<string, unknown>>('getblock', [hash]);
  assert.equal(v1['hash'], hash);
  assert.equal(v1['height'], height);
  assert.equal(v1['confirmations'], 1);
  assert.equal(v1['final'], true);
  assert.equal(v1['size'], hex.length / 2);
  assert.deepEqual(v1['tx'], [decoded.value.txs[0]!.getId()]);
  assert.deepEqual((v1['final_qc'] as Record<string, unknown>)['signers'], ['producer']);
  const v2 = await t.ok<{ tx: { txid: string; vin: { coinbase?: string }[]; vout: { value: number; valueSat: number }[] }[] }>('getblock', [hash, 2]);
  assert.equal(v2.tx[0]!.txid, decoded.value.txs[0]!.getId());
  assert.ok(v2.tx[0]!.vin[0]!.coinbase !== undefined);
  assert.equal(v2.tx[0]!.vout[0]!.value, 1, 'the dev reward is 1 coin');
  assert.equal(v2.tx[0]!.vout[0]!.valueSat, 100_000_000);
  assert.deepEqual(await t.ok('getblock', [String(height)]), v1);
  const rest = await t.app.inject({ method: 'GET', url: `/v1/chain/block/${hash}?verbosity=1` });
  assert.deepEqual(rest.json(), v1);
});

test('getblockheader: JSON without tx, or the encoded header', async () => {
  const hash = await t.ok<string>('getbestblockhash');
  const h = await t.ok<Record<string, unknown>>('getblockheader', [hash]);
  assert.equal(h['hash'], hash);
  assert.equal(h['tx'], undefined);
  const hex = await t.ok<string>('getblockheader', [hash, false]);
  const d = decodeHeader(fromHex(hex));
  assert.ok(d.ok);
  assert.equal(toHex(blockId(d.value)), hash);
  assert.equal(h['previousblockhash'], toHex(d.value.parent));
});

test('sendrawtransaction: accepted into the mempool, found by getrawtransaction/getmempoolentry, mined, then -27', async () => {
  const [k0, k1] = t.keys as [(typeof t.keys)[0], (typeof t.keys)[0]];
  const tx = signedP2pkh([{ txid: genesisTxid, vout: 0, value: 1_000_000n * COIN, key: k0 }], [
    { script: keyScript(k1), value: 10n * COIN },
    { script: keyScript(k0), value: 1_000_000n * COIN - 10n * COIN - 1000n },
  ]);
  const txid = await t.ok<string>('sendrawtransaction', [tx.toHex()]);
  assert.equal(txid, tx.getId());
  assert.equal(await t.ok('sendrawtransaction', [tx.toHex()]), txid, 'a resend of a pooled transaction returns its txid');
  assert.deepEqual(await t.ok('getrawmempool'), [txid]);
  const entry = await t.ok<Record<string, unknown>>('getmempoolentry', [txid]);
  assert.equal(entry['fee'], 0.00001);
  assert.equal(entry['size'], tx.byteLength());
  assert.equal(await t.ok('getrawtransaction', [txid]), tx.toHex());
  const pooled = await t.ok<Record<string, unknown>>('getrawtransaction', [txid, 1]);
  assert.equal(pooled['txid'], txid);
  assert.equal(pooled['blockhash'], undefined);
  // gettxout sees the mempool: the spent genesis output is gone, the new output is there with 0 confirmations.
  assert.equal(await t.ok('gettxout', [genesisTxid, 0]), null);
  assert.notEqual(await t.ok('gettxout', [genesisTxid, 0, false]), null);
  assert.equal((await t.ok<Record<string, unknown>>('gettxout', [txid, 0]))['confirmations'], 0);

  const block = t.produce();
  assert.equal(block.txCount, 2);
  assert.deepEqual(await t.ok('getrawmempool'), []);
  const mined = await t.ok<Record<string, unknown>>('getrawtransaction', [txid, 1]);
  assert.equal(mined['blockhash'], toHex(block.id));
  assert.equal(mined['height'], block.height);
  assert.equal(mined['confirmations'], 1);
  assert.equal(mined['final'], true);
  const out = await t.ok<Record<string, unknown>>('gettxout', [txid, 0]);
  assert.equal(out['value'], 10);
  assert.equal(out['confirmations'], 1);
  const again = await t.fail('sendrawtransaction', [tx.toHex()]);
  assert.equal(again.code, -27);
  assert.equal(again.data.code, 'rpc/TX_ALREADY_IN_CHAIN');
});

test('address index: utxos, balance, txids, deltas and spent info follow a spend', async () => {
  const [k0, k1] = t.keys as [(typeof t.keys)[0], (typeof t.keys)[0]];
  const utxos = await t.ok<{ txid: string; outputIndex: number; satoshis: number; height: number }[]>('getaddressutxos', [{ addresses: [k1.address] }]);
  assert.deepEqual(
    utxos.map((u) => [u.outputIndex, u.satoshis, u.height]),
    [
      [1, 100_000_000_000_000, 0],
      [0, 1_000_000_000, utxos[1]!.height],
    ],
  );
  const spendTx = utxos[1]!.txid;
  assert.deepEqual(await t.ok('getaddressbalance', [{ addresses: [k1.address] }]), { balance: 100_001_000_000_000, received: 100_001_000_000_000 });
  assert.deepEqual(await t.ok('getaddresstxids', [{ addresses: [k1.address] }]), [genesisTxid, spendTx]);
  assert.deepEqual(await t.ok('getaddresstxids', [{ addresses: [k1.address], start: 1 }]), [spendTx]);
  assert.deepEqual(await t.ok('getaddresstxids', [{ addresses: [k0.address, k1.address] }]), [genesisTxid, spendTx]);
  const deltas = await t.ok<{ satoshis: number; txid: string; index: number }[]>('getaddressdeltas', [{ addresses: [k0.address] }]);
  assert.deepEqual(
    deltas.map((d) => [d.txid, d.index, d.satoshis]),
    [
      [genesisTxid, 0, 100_000_000_000_000],
      [spendTx, 0, -100_000_000_000_000],
      [spendTx, 1, 100_000_000_000_000 - 1_000_000_000 - 1000],
    ],
  );
  assert.deepEqual(await t.ok('getspentinfo', [{ txid: genesisTxid, index: 0 }]), { txid: spendTx, index: 0, height: utxos[1]!.height });
  const none = await t.fail('getspentinfo', [{ txid: genesisTxid, index: 2 }]);
  assert.equal(none.code, -5);
  const info = await t.ok<{ utxos: unknown[]; height: number }>('getaddressutxos', [{ addresses: k1.address, chainInfo: true }]);
  assert.equal(info.utxos.length, 2);
  assert.equal(info.height, await t.ok('getblockcount'));
});

test('validateaddress: a wallet key, a foreign key and an invalid string', async () => {
  const mine = await t.ok<Record<string, unknown>>('validateaddress', [t.keys[2]!.address]);
  assert.equal(mine['isvalid'], true);
  assert.equal(mine['ismine'], true);
  assert.equal(mine['label'], 'dev2');
  assert.equal(mine['scriptPubKey'], toHex(keyScript(t.keys[2]!)));
  const foreign = await t.ok<Record<string, unknown>>('validateaddress', ['RXL3YXG2ceaB6C5hfJcN4fvmLH2C34knhA']);
  assert.equal(foreign['isvalid'], true);
  assert.equal(foreign['ismine'], false);
  const bad = await t.ok<Record<string, unknown>>('validateaddress', ['1BoatSLRHtKNngkdXEeobR76b53LETtpyT']);
  assert.equal(bad['isvalid'], false);
  assert.match(bad['error'] as string, /version byte/);
});

test('decoderawtransaction and decodescript: bitcoind shapes, CC outputs as cryptocondition', async () => {
  const k = t.keys[0]!;
  const cc = ccOutputScript(cc1of1(0x70, k.publicKey), { evalCode: 0x70, data: Uint8Array.of(1, 2, 3) });
  const tx = new Transaction();
  tx.addInput(Buffer.alloc(32, 7), 1, 0xfffffffe, Buffer.from([0x51]));
  tx.addOutput(Buffer.from(keyScript(k)), 123_456_789n);
  tx.addOutput(Buffer.from(cc), 10_000n);
  tx.locktime = 5;
  const d = await t.ok<{ vin: Record<string, unknown>[]; vout: { value: number; scriptPubKey: Record<string, unknown> }[]; locktime: number; txid: string }>('decoderawtransaction', [tx.toHex()]);
  assert.equal(d.txid, tx.getId());
  assert.equal(d.locktime, 5);
  assert.deepEqual(d.vin[0], { txid: '07'.repeat(32), vout: 1, scriptSig: { asm: '1', hex: '51' }, sequence: 0xfffffffe });
  assert.equal(d.vout[0]!.value, 1.23456789);
  assert.equal(d.vout[0]!.scriptPubKey['type'], 'pubkeyhash');
  assert.deepEqual(d.vout[0]!.scriptPubKey['addresses'], [k.address]);
  assert.equal(d.vout[1]!.scriptPubKey['type'], 'cryptocondition');
  assert.equal((d.vout[1]!.scriptPubKey['cc'] as Record<string, unknown>)['eval_code'], 0x70);
  assert.match(d.vout[1]!.scriptPubKey['asm'] as string, /OP_CHECKCRYPTOCONDITION/);
  const s = await t.ok<Record<string, unknown>>('decodescript', [toHex(keyScript(k))]);
  assert.equal(s['asm'], `OP_DUP OP_HASH160 ${toHex(keyScript(k).subarray(3, 23))} OP_EQUALVERIFY OP_CHECKSIG`);
  assert.equal(s['type'], 'pubkeyhash');
  assert.match(s['p2sh'] as string, /^b/);
  // HASH160 of the empty script is b472a266d0bd89c13706a4132ccfb16f7c3b9fcb.
  const emptyP2sh = encodeAddress('scripthash', fromHex('b472a266d0bd89c13706a4132ccfb16f7c3b9fcb'), t.node.spec.prefixes);
  assert.deepEqual(await t.ok('decodescript', ['']), { asm: '', hex: '', type: 'nonstandard', p2sh: emptyP2sh });
});

test('decodeccopret: eval code, function id and fields of a module OP_RETURN; -8 for anything else', async () => {
  assert.deepEqual(await t.ok('decodeccopret', ['6a04e446abcd']), { eval_code: 0xe4, eval_code_hex: '0xe4', module: null, funcid: 'F', fields_hex: 'abcd' });
  const e = await t.fail('decodeccopret', ['76a9']);
  assert.equal(e.code, -8);
  assert.equal(e.data.code, 'rpc/BAD_OPRET');
  assert.match(e.message, /'scriptpubkey'/);
});

test('testmempoolaccept reports without adding; sendrawtransaction rejections leave the mempool unchanged', async () => {
  const [, , k2] = t.keys as [unknown, unknown, (typeof t.keys)[0]];
  const good = signedP2pkh([{ txid: genesisTxid, vout: 2, value: 1_000_000n * COIN, key: k2 }], [{ script: keyScript(k2), value: 1_000_000n * COIN - 500n }]);
  const lowFee = signedP2pkh([{ txid: genesisTxid, vout: 2, value: 1_000_000n * COIN, key: k2 }], [{ script: keyScript(k2), value: 1_000_000n * COIN - 1n }]);
  const res = await t.ok<Record<string, unknown>[]>('testmempoolaccept', [[good.toHex(), lowFee.toHex()]]);
  assert.deepEqual(res[0], { txid: good.getId(), allowed: true, vsize: good.byteLength(), fees: { base: 0.000005 } });
  assert.equal(res[1]!['allowed'], false);
  assert.equal(res[1]!['reject-code'], 'TX_MIN_RELAY_FEE');
  assert.equal(res[1]!['reject-reason'], 'min relay fee not met');
  assert.deepEqual(await t.ok('getrawmempool'), [], 'testmempoolaccept adds nothing');

  const fee = await t.fail('sendrawtransaction', [lowFee.toHex()]);
  assert.equal(fee.code, -26);
  assert.match(fee.message, /^16: TX_MIN_RELAY_FEE \(/);
  assert.equal(fee.data.code, 'TX_MIN_RELAY_FEE');
  assert.equal(fee.data.details?.['verdict_code'], 'TX_MIN_RELAY_FEE');

  const wrongKey = signedP2pkh([{ txid: genesisTxid, vout: 2, value: 1_000_000n * COIN, key: t.keys[0]! }], [{ script: keyScript(k2), value: 1_000_000n * COIN - 500n }]);
  const sig = await t.fail('sendrawtransaction', [wrongKey.toHex()]);
  assert.equal(sig.code, -26);
  assert.equal(sig.data.code, 'TX_SCRIPT_FAILED');
  assert.equal(sig.data.details?.['scriptError'], 'EQUALVERIFY');

  const missing = signedP2pkh([{ txid: 'ab'.repeat(32), vout: 0, value: COIN, key: k2 }], [{ script: keyScript(k2), value: COIN / 2n }]);
  const miss = await t.fail('sendrawtransaction', [missing.toHex()]);
  assert.equal(miss.code, -25);
  assert.equal(miss.data.code, 'TX_MISSING_INPUTS');

  const undecodable = await t.fail('sendrawtransaction', ['0100000000000000000000']);
  assert.equal(undecodable.code, -22);
  assert.equal(undecodable.data.code, 'rpc/TX_DECODE_FAILED');
  const oddHex = await t.fail('sendrawtransaction', ['abc']);
  assert.equal(oddHex.code, -22);
  assert.equal(oddHex.data.code, 'rpc/BAD_HEX');
  assert.match(oddHex.message, /'hexstring'/);
  assert.deepEqual(await t.ok('getrawmempool'), [], 'no rejected transaction entered the mempool');
});

test('wallet: getnewaddress, getbalance as an exact number, listunspent, sendtoaddress mined within a block', async () => {
  const w = t.node.wallet!;
  const addr = await t.ok<string>('getnewaddress', ['savings']);
  assert.equal((await t.ok<Record<string, unknown>>('validateaddress', [addr]))['label'], 'savings');
  const before = w.getBalance();
  assert.equal(await t.ok('getbalance'), Number(`${before / COIN}.${(before % COIN).toString().padStart(8, '0')}`));
  const unspent = await t.ok<{ amount: number; satoshis: number; confirmations: number; address: string }[]>('listunspent');
  assert.ok(unspent.length >= 3);
  for (const u of unspent) assert.equal(Math.round(u.amount * 1e8), u.satoshis);
  const txid = await t.ok<string>('sendtoaddress', [addr, 12.5]);
  assert.equal((await t.ok<string[]>('getrawmempool'))[0], txid);
  t.produce();
  const got = await t.ok<{ txid: string; amount: number; confirmations: number }[]>('listunspent', [1, 9999999, [addr]]);
  assert.deepEqual(got.map((u) => [u.txid, u.amount, u.confirmations]), [[txid, 12.5, 1]]);
  const after = w.getBalance();
  const fee = before - after;
  assert.ok(fee > 0n && fee < 1000n, `fee ${fee}`);
  const exact = await t.ok<number>('getbalance');
  assert.equal(String(exact), `${after / COIN}.${(after % COIN).toString().padStart(8, '0')}`.replace(/\.?0+$/, ''));
});

test('wallet errors: -6 insufficient funds, -5 bad address, -3 bad amount; nothing is signed, stored or pooled', async () => {
  const w = t.node.wallet!;
  const keysBefore = w.keys().length;
  const poolBefore = await t.ok<string[]>('getrawmempool');
  const poor = await t.fail('sendtoaddress', [t.keys[0]!.address, 20_000_000]);
  assert.equal(poor.code, -6);
  assert.equal(poor.data.code, 'WALLET_INSUFFICIENT_FUNDS');
  const bad = await t.fail('sendtoaddress', ['RXL3YXG2ceaB6C5hfJcN4fvmLH2C34knhB', 1]);
  assert.equal(bad.code, -5);
  assert.equal(bad.data.code, 'WALLET_BAD_ADDRESS');
  const notAddr = await t.fail('sendtoaddress', ['0xdeadbeef', 1]);
  assert.equal(notAddr.code, -5);
  assert.match(notAddr.message, /'address'/);
  const amount = await t.fail('sendtoaddress', [t.keys[0]!.address, '1.000000001']);
  assert.equal(amount.code, -3);
  assert.equal(amount.data.code, 'rpc/BAD_AMOUNT');
  assert.match(amount.message, /'amount'/);
  const dust = await t.fail('sendtoaddress', [t.keys[0]!.address, 0.00000001]);
  assert.equal(dust.code, -4);
  assert.equal(dust.data.code, 'WALLET_AMOUNT_DUST');
  assert.equal(w.keys().length, keysBefore, 'no change key was stored');
  assert.deepEqual(await t.ok('getrawmempool'), poolBefore);
});

test('parameter errors: -32602 missing/unknown/extra, -3 wrong type, -8 bad value or range, -5 unknown object; each names the parameter', async () => {
  const cases: { method: string; params: unknown; code: number; data: string; names?: string }[] = [
    { method: 'getblockhash', params: [], code: -32602, data: 'rpc/MISSING_PARAM', names: 'height' },
    { method: 'getblockhash', params: { heigth: 1 }, code: -32602, data: 'rpc/UNKNOWN_PARAM', names: 'heigth' },
    { method: 'getblockcount', params: [1], code: -32602, data: 'rpc/TOO_MANY_PARAMS' },
    { method: 'getblockhash', params: ['1'], code: -3, data: 'rpc/WRONG_TYPE', names: 'height' },
    { method: 'getblockhash', params: [-1], code: -8, data: 'rpc/OUT_OF_RANGE', names: 'height' },
    { method: 'getblockhash', params: [1_000_000], code: -8, data: 'rpc/HEIGHT_OUT_OF_RANGE', names: 'height' },
    { method: 'getblock', params: [ZERO64, 3], code: -8, data: 'rpc/OUT_OF_RANGE', names: 'verbosity' },
    { method: 'getblock', params: ['xyz'], code: -8, data: 'rpc/BAD_BLOCK_REF', names: 'blockhash' },
    { method: 'getblock', params: [ZERO64], code: -5, data: 'rpc/BLOCK_NOT_FOUND' },
    { method: 'getrawtransaction', params: [ZERO64], code: -5, data: 'rpc/TX_NOT_FOUND' },
    { method: 'getrawtransaction', params: ['abcd'], code: -8, data: 'rpc/BAD_HEX', names: 'txid' },
    { method: 'getrawtransaction', params: ['zz'.repeat(32)], code: -8, data: 'rpc/BAD_HEX', names: 'txid' },
    { method: 'getmempoolentry', params: [ZERO64], code: -5, data: 'rpc/NOT_IN_MEMPOOL' },
    { method: 'gettxout', params: [ZERO64, 'a'], code: -3, data: 'rpc/WRONG_TYPE', names: 'n' },
    { method: 'decoderawtransaction', params: ['0g'], code: -22, data: 'rpc/BAD_HEX', names: 'hexstring' },
    { method: 'decoderawtransaction', params: ['0100'], code: -22, data: 'rpc/TX_DECODE_FAILED' },
    { method: 'sendrawtransaction', params: [''], code: -22, data: 'rpc/TX_DECODE_FAILED' },
    { method: 'testmempoolaccept', params: [[]], code: -8, data: 'rpc/BAD_VALUE', names: 'rawtxs' },
    { method: 'testmempoolaccept', params: [['zz']], code: -22, data: 'rpc/TX_DECODE_FAILED', names: 'rawtxs[0]' },
    { method: 'getaddressutxos', params: ['R...'], code: -3, data: 'rpc/WRONG_TYPE', names: 'query' },
    { method: 'getaddressutxos', params: [{}], code: -8, data: 'rpc/BAD_FIELD', names: 'query.addresses' },
    { method: 'getaddressutxos', params: [{ addresses: 5 }], code: -3, data: 'rpc/FIELD_WRONG_TYPE', names: 'query.addresses' },
    { method: 'getaddressutxos', params: [{ addresses: ['nope'] }], code: -5, data: 'rpc/BAD_ADDRESS', names: 'query.addresses[0]' },
    { method: 'getaddressbalance', params: [{ addresses: [], cc: false }], code: -8, data: 'rpc/BAD_FIELD', names: 'query.addresses' },
    { method: 'getaddresstxids', params: [{ addresses: ['RXL3YXG2ceaB6C5hfJcN4fvmLH2C34knhA'], start: 'x' }], code: -3, data: 'rpc/FIELD_WRONG_TYPE', names: 'query.start' },
    { method: 'getaddressdeltas', params: [{ adresses: [] }], code: -8, data: 'rpc/BAD_FIELD', names: 'adresses' },
    { method: 'getspentinfo', params: [{ txid: 'ab', index: 0 }], code: -8, data: 'rpc/BAD_FIELD', names: 'query.txid' },
    { method: 'getspentinfo', params: [{ txid: ZERO64 }], code: -8, data: 'rpc/BAD_FIELD', names: 'query.index' },
    { method: 'getbalance', params: ['x'], code: -32, data: 'rpc/BAD_VALUE', names: 'dummy' },
    { method: 'getblockheader', params: [ZERO64, 'yes'], code: -3, data: 'rpc/WRONG_TYPE', names: 'verbose' },
    { method: 'nosuchmethod', params: [], code: -32601, data: 'rpc/METHOD_NOT_FOUND' },
  ];
  for (const c of cases) {
    const e = await t.fail(c.method, c.params);
    const label = `${c.method} ${JSON.stringify(c.params)}`;
    assert.equal(e.code, c.code, `${label}: ${e.message}`);
    assert.equal(e.data.code, c.data, label);
    if (c.names !== undefined) assert.ok(e.message.includes(`'${c.names}'`), `${label}: message names '${c.names}': ${e.message}`);
  }
});

test('help lists every chain, mempool, address, wallet and control method; OpenAPI documents the REST routes', async () => {
  const index = await t.ok<string>('help');
  for (const m of [
    'getinfo', 'getblockchaininfo', 'getblockcount', 'getbestblockhash', 'getblockhash', 'getblock', 'getblockheader', 'getrawtransaction',
    'decoderawtransaction', 'decodescript', 'sendrawtransaction', 'testmempoolaccept', 'getrawmempool', 'getmempoolentry', 'gettxout',
    'validateaddress', 'getaddressutxos', 'getaddressbalance', 'getaddresstxids', 'getspentinfo', 'decodeccopret', 'getnewaddress',
    'getbalance', 'listunspent', 'sendtoaddress', 'help', 'stop',
  ]) {
    assert.match(index, new RegExp(`^${m}\\b`, 'm'), m);
  }
  assert.match(await t.ok<string>('help', ['getblock']), /Arguments:\n1\. blockhash/);
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
  for (const p of ['/v1/chain/info', '/v1/chain/block/{blockhash}', '/v1/chain/tx/{txid}', '/v1/chain/tx', '/v1/mempool']) assert.ok(doc.paths[p] !== undefined, p);
});

test('getinfo and the REST error shape: -5 as HTTP 404 with the string code', async () => {
  const info = await t.ok<Record<string, unknown>>('getinfo');
  assert.equal(info['blocks'], await t.ok('getblockcount'));
  assert.equal(info['relayfee'], 0.00001);
  assert.equal(typeof info['balance'], 'number');
  const res = await t.app.inject({ method: 'GET', url: `/v1/chain/block/${ZERO64}` });
  assert.equal(res.statusCode, 404);
  assert.equal((res.json() as { error: RpcErrShape }).error.data.code, 'rpc/BLOCK_NOT_FOUND');
});

type RpcErrShape = { code: number; data: { code: string } };
