/**
 * `cchost dev` driven as an outside client would drive it, with no cchost code on the client side:
 * the JSON-RPC client is the npm package `bitcoin-core` (written for bitcoind), the transaction is
 * built, signed and parsed by bitcoinjs-lib with tiny-secp256k1 signatures. A funded dev key (from the
 * node's JSON line) pays another key with a P2PKH transaction; testmempoolaccept allows it,
 * sendrawtransaction returns bitcoinjs's txid, the transaction is mined into a final block, and
 * getrawtransaction, getblock and decoderawtransaction report exactly what bitcoinjs parses.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Client from 'bitcoin-core';
import { address as baddress, payments, script as bscript, Transaction } from 'bitcoinjs-lib';
import type { Network } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { killRunning, startDev } from './devProcess.ts';

/** The dev chain's address prefixes (Komodo's): P2PKH 60 ("R"), P2SH 85, WIF 188. */
const DEV_NETWORK: Network = {
  messagePrefix: '\x18Komodo Signed Message:\n',
  bech32: 'none',
  bip32: { public: 0x0488b21e, private: 0x0488ade4 },
  pubKeyHash: 60,
  scriptHash: 85,
  wif: 188,
};
const COIN = 100_000_000n;

const children = new Set<ChildProcess>();
const dirs: string[] = [];
after(() => {
  killRunning(children);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A bitcoind-style RPC error as bitcoin-core throws it. */
function rpcCode(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? (e as { code: number }).code : undefined;
}

test('bitcoin-core client + bitcoinjs-lib: a P2PKH payment signed outside cchost is accepted, mined, and read back as bitcoinjs parses it', async (t) => {
  const datadir = mkdtempSync(join(tmpdir(), 'cchost-client-'));
  dirs.push(datadir);
  const dev = await startDev(datadir, children);
  t.after(() => {
    if (dev.child.exitCode === null && dev.child.signalCode === null) dev.child.kill('SIGKILL');
  });
  const cookie = readFileSync(dev.line.cookieFile, 'utf8').trim();
  const colon = cookie.indexOf(':');
  const client = new Client({ host: dev.line.rpcUrl.replace(/\/$/, ''), username: cookie.slice(0, colon), password: cookie.slice(colon + 1), timeout: 10_000 });

  // Keys from the JSON line, addresses derived independently by bitcoinjs.
  const [payer, payee] = dev.line.keys.map((k) => {
    const priv = Buffer.from(k.privateKey, 'hex');
    const pubkey = Buffer.from(ecc.pointFromScalar(priv, true)!);
    const pay = payments.p2pkh({ pubkey, network: DEV_NETWORK });
    assert.equal(pay.address, k.address, 'bitcoinjs derives the dev key address the node printed');
    return { priv, pubkey, address: pay.address!, script: Buffer.from(pay.output!) };
  }) as [{ priv: Buffer; pubkey: Buffer; address: string; script: Buffer }, { priv: Buffer; pubkey: Buffer; address: string; script: Buffer }];

  const utxos = (await client.command('getaddressutxos', { addresses: [payer.address] })) as { txid: string; outputIndex: number; satoshis: number; script: string }[];
  assert.equal(utxos.length, 1, 'the genesis allocation');
  const coin = utxos[0]!;
  assert.equal(coin.script, payer.script.toString('hex'));

  // Build and sign with bitcoinjs: 12.5 coins to the payee, change back, a 1,000-satoshi fee.
  const amount = 1_250_000_000n;
  const fee = 1_000n;
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(Buffer.from(coin.txid, 'hex').reverse(), coin.outputIndex);
  tx.addOutput(baddress.toOutputScript(payee.address, DEV_NETWORK), amount);
  tx.addOutput(baddress.toOutputScript(payer.address, DEV_NETWORK), BigInt(coin.satoshis) - amount - fee);
  const sighash = tx.hashForSignature(0, payer.script, Transaction.SIGHASH_ALL);
  const sig = bscript.signature.encode(Buffer.from(ecc.sign(sighash, payer.priv)), Transaction.SIGHASH_ALL);
  tx.setInputScript(0, Buffer.from(payments.p2pkh({ pubkey: payer.pubkey, signature: sig, network: DEV_NETWORK }).input!));
  const hex = tx.toHex();
  const txid = tx.getId();

  const tested = (await client.command('testmempoolaccept', [hex])) as { txid: string; allowed: boolean; vsize: number }[];
  assert.deepEqual(tested.map((x) => [x.txid, x.allowed, x.vsize]), [[txid, true, tx.byteLength()]]);
  assert.deepEqual(await client.command('getrawmempool'), [], 'testmempoolaccept adds nothing');

  assert.equal(await client.command('sendrawtransaction', hex), txid);
  assert.equal(await client.command('sendrawtransaction', hex), txid, 'a resend of a pooled transaction returns its txid');

  // Mined into a final block within a few slots.
  let mined: { blockhash?: string; confirmations?: number; final?: boolean; hex: string } | undefined;
  const deadline = Date.now() + 15_000;
  for (;;) {
    mined = (await client.command('getrawtransaction', txid, 1)) as typeof mined;
    if (mined?.blockhash !== undefined) break;
    if (Date.now() > deadline) throw new Error('the payment was not mined within 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(mined.hex, hex);
  assert.ok((mined.confirmations ?? 0) >= 1);
  assert.equal(mined.final, true);
  assert.equal(await client.command('getrawtransaction', txid, false), hex);

  const block = (await client.command('getblock', mined.blockhash, 1)) as { hash: string; tx: string[]; height: number; final: boolean };
  assert.equal(block.hash, mined.blockhash);
  assert.ok(block.tx.includes(txid));
  assert.equal(block.final, true);
  assert.equal(await client.command('getblockhash', block.height), block.hash);
  const full = (await client.command('getblock', mined.blockhash, 2)) as { tx: { txid: string; hex?: string }[] };
  assert.equal(full.tx.find((x) => x.txid === txid)?.txid, txid);

  // decoderawtransaction against bitcoinjs's own parse of the same bytes.
  const decoded = (await client.command('decoderawtransaction', hex)) as {
    txid: string;
    size: number;
    version: number;
    locktime: number;
    vin: { txid: string; vout: number; scriptSig: { hex: string }; sequence: number }[];
    vout: { value: number; valueSat?: number; n: number; scriptPubKey: { hex: string; type: string; addresses?: string[] } }[];
  };
  const parsed = Transaction.fromHex(hex);
  assert.equal(decoded.txid, parsed.getId());
  assert.equal(decoded.size, parsed.byteLength());
  assert.equal(decoded.version, parsed.version);
  assert.equal(decoded.locktime, parsed.locktime);
  assert.deepEqual(
    decoded.vin.map((i) => [i.txid, i.vout, i.scriptSig.hex, i.sequence]),
    parsed.ins.map((i) => [Buffer.from(i.hash).reverse().toString('hex'), i.index, Buffer.from(i.script).toString('hex'), i.sequence]),
  );
  assert.deepEqual(
    decoded.vout.map((o) => [o.n, BigInt(Math.round(o.value * 1e8)), o.scriptPubKey.hex, o.scriptPubKey.type, o.scriptPubKey.addresses?.[0]]),
    parsed.outs.map((o, n) => [n, o.value, Buffer.from(o.script).toString('hex'), 'pubkeyhash', baddress.fromOutputScript(Buffer.from(o.script), DEV_NETWORK)]),
  );
  if (decoded.vout[0]!.valueSat !== undefined) assert.equal(BigInt(decoded.vout[0]!.valueSat), amount);

  // The payee's balance moved by exactly the amount; a second spend of the same coin is refused (-25).
  const balance = (await client.command('getaddressbalance', { addresses: [payee.address] })) as { balance: number };
  assert.equal(BigInt(balance.balance), 1_000_000n * COIN + amount);
  const again = new Transaction();
  again.version = 1;
  again.addInput(Buffer.from(coin.txid, 'hex').reverse(), coin.outputIndex);
  again.addOutput(payee.script, amount);
  const h2 = again.hashForSignature(0, payer.script, Transaction.SIGHASH_ALL);
  again.setInputScript(0, Buffer.from(payments.p2pkh({ pubkey: payer.pubkey, signature: bscript.signature.encode(Buffer.from(ecc.sign(h2, payer.priv)), 1), network: DEV_NETWORK }).input!));
  await assert.rejects(client.command('sendrawtransaction', again.toHex()), (e: unknown) => {
    // bitcoin-core parses an error body only when the content type is exactly "application/json", as
    // bitcoind sends it: the client must see the JSON-RPC code, not the HTTP status.
    assert.equal(rpcCode(e), -25, `the input is spent: ${String(e)}`);
    return true;
  });

  dev.child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => (dev.child.exitCode !== null ? r(dev.child.exitCode) : dev.child.once('exit', (c) => r(c))));
  assert.equal(code, 0, dev.stderr());
});
