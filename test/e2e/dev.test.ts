/**
 * `cchost dev` end to end, as a user runs it: a child process (`node bin/cchost.mjs dev --datadir
 * <tmp> --rpcport 0 --print-json`) whose JSON line gives the RPC URL and cookie; a payment with
 * sendtoaddress is mined within seconds and visible through getblock, getrawtransaction and the
 * address index; SIGINT stops it cleanly (exit 0, cookie and lock removed); a second node on the same
 * datadir is refused with a clear message. Every process started here is stopped here; loopback only.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRpcClient } from '../../src/rpc/client.ts';
import type { RpcClient } from '../../src/rpc/client.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { killRunning, spawnDev, startDev } from './devProcess.ts';

const children = new Set<ChildProcess>();
const dirs: string[] = [];

after(() => {
  killRunning(children);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('cchost dev: funded keys and RPC from the JSON line, a payment mined and indexed within seconds, SIGINT exits cleanly', async () => {
  const datadir = mkdtempSync(join(tmpdir(), 'cchost-e2e-'));
  dirs.push(datadir);
  const dev = await startDev(datadir, children);
  const { line } = dev;
  assert.match(line.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(line.cookieFile, join(datadir, '.cookie'));
  assert.equal(line.datadir, datadir);
  assert.match(line.chainId, /^[0-9a-f]{64}$/);
  assert.equal(line.keys.length, 3);
  assert.match(dev.stderr(), /PUBLICLY KNOWN KEYS/);
  assert.ok(existsSync(line.cookieFile));

  const rpc: RpcClient = createRpcClient({ url: line.rpcUrl, cookieFile: line.cookieFile });
  const info = (await rpc.call('getblockchaininfo', [])) as { chainid: string; blocks: number };
  assert.equal(info.chainid, line.chainId);
  const to = line.keys[1]!.address;
  const before = (await rpc.call('getaddressbalance', [{ addresses: [to] }])) as { balance: number };
  assert.equal(before.balance, 100_000_000_000_000);

  const txid = (await rpc.call('sendtoaddress', [to, 12.5])) as string;
  assert.match(txid, /^[0-9a-f]{64}$/);
  const mined = await waitFor('the payment to be mined', 10_000, async () => {
    const t = (await rpc.call('getrawtransaction', [txid, 1])) as { blockhash?: string; confirmations?: number; height?: number };
    return t.blockhash !== undefined ? t : undefined;
  });
  assert.ok((mined.confirmations ?? 0) >= 1);
  const block = (await rpc.call('getblock', [mined.blockhash, 2])) as { tx: { txid: string; vout: { value: number; scriptPubKey: { addresses?: string[] } }[] }[]; final: boolean };
  const inBlock = block.tx.find((t) => t.txid === txid);
  assert.ok(inBlock !== undefined, 'getblock verbosity 2 lists the transaction');
  assert.ok(inBlock.vout.some((o) => o.value === 12.5 && o.scriptPubKey.addresses?.[0] === to));
  assert.equal(block.final, true, 'the single producer finalizes at once');
  const after = (await rpc.call('getaddressbalance', [{ addresses: [to] }])) as { balance: number; received: number };
  assert.equal(after.balance, before.balance + 1_250_000_000);
  const height = (await rpc.call('getblockcount', [])) as number;
  await waitFor('another block', 5000, async () => (((await rpc.call('getblockcount', [])) as number) > height ? true : undefined));

  dev.child.kill('SIGINT');
  const exit = await dev.exit;
  assert.deepEqual(exit, { code: 0, signal: null }, dev.stderr());
  assert.ok(!existsSync(line.cookieFile), 'cookie removed');
  assert.ok(!existsSync(join(datadir, 'LOCK')), 'datadir lock released');
  assert.ok(existsSync(join(datadir, 'chain.json')), 'the chain stays for the next start');
});

test('cchost dev: a second node on the same datadir is refused with a clear message and a non-zero exit', async () => {
  const datadir = mkdtempSync(join(tmpdir(), 'cchost-e2e2-'));
  dirs.push(datadir);
  const first = await startDev(datadir, children);
  const second = spawnDev(datadir, children);
  const exit = await second.exit;
  assert.equal(exit.code, 1);
  assert.match(second.stderr(), new RegExp(`datadir ${datadir} is in use by process ${first.child.pid}; stop it or pass --datadir`));
  assert.equal(second.stdout(), '', 'no JSON line from the refused node');
  // The first node is unaffected.
  const rpc = createRpcClient({ url: first.line.rpcUrl, cookieFile: first.line.cookieFile });
  assert.equal(typeof (await rpc.call('getblockcount', [])), 'number');
  first.child.kill('SIGTERM');
  assert.deepEqual(await first.exit, { code: 0, signal: null });
  assert.ok(!existsSync(join(datadir, 'LOCK')));
});
