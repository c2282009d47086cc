import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRpcClient, RpcClientError } from '../../src/rpc/client.ts';
import { parseCliParam, runRpcCli } from '../../src/rpc/cli.ts';
import { startRpcServer } from '../../src/rpc/server.ts';
import type { RunningRpcServer } from '../../src/rpc/server.ts';
import { toyTable } from './rpc.toy.ts';

let datadir: string;
let rpc: RunningRpcServer;

before(async () => {
  datadir = mkdtempSync(join(tmpdir(), 'cchost-rpccli-'));
  rpc = await startRpcServer({ table: toyTable(), datadir, port: 0, rpcuser: 'alice', rpcpassword: 'pw', authFailDelayMs: 0 });
});

after(async () => {
  await rpc.close();
  rmSync(datadir, { recursive: true, force: true });
});

/** Runs the CLI against the test server with captured output. */
async function cli(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runRpcCli(
    ['--rpcport', String(rpc.port), '--datadir', datadir, ...argv],
    { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => stdin, env: {} },
  );
  return { code, out, err };
}

test('default: the client reads the cookie from the datadir and returns results', async () => {
  const client = createRpcClient({ url: rpc.url, cookieFile: join(datadir, '.cookie') });
  assert.equal(await client.call('add', [40, 2]), 42);
  assert.equal(await client.call('add', { a: 1, b: 1 }), 2);
});

test('error: the client rejects with the numeric and typed codes of a remote error', async () => {
  const client = createRpcClient({ url: rpc.url, credential: { user: 'alice', password: 'pw' } });
  const e = await client.call('rejecttx').then(
    () => assert.fail('should reject'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof RpcClientError);
  assert.equal(e.rpcCode, -26);
  assert.equal(e.code, 'TX_CC_BAD_FULFILLMENT');
  assert.match(e.message, /^16: TX_CC_BAD_FULFILLMENT/);
});

test('error: the client reports refused credentials and an absent server with their own codes', async () => {
  const wrong = createRpcClient({ url: rpc.url, credential: { user: 'alice', password: 'nope' } });
  await assert.rejects(wrong.call('help'), (e: RpcClientError) => e.code === 'rpc/AUTH_FAILED' && /incorrect rpcuser or rpcpassword/.test(e.message));
  const nocookie = createRpcClient({ url: rpc.url, cookieFile: join(datadir, 'missing', '.cookie') });
  await assert.rejects(nocookie.call('help'), (e: RpcClientError) => e.code === 'rpc/AUTH_FAILED' && /no RPC cookie at/.test(e.message));
  const down = createRpcClient({ url: 'http://127.0.0.1:1/' });
  await assert.rejects(down.call('help'), (e: RpcClientError) => e.code === 'rpc/CONNECT_FAILED');
});

test('behavior: the client re-reads a replaced cookie once (node restarted)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-rpccookie-'));
  try {
    const file = join(dir, '.cookie');
    writeFileSync(file, '__cookie__:stale');
    const client = createRpcClient({ url: rpc.url, cookieFile: file });
    writeFileSync(file, 'alice:pw');
    assert.equal(await client.call('echo', ['back']), 'back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('default: the CLI prints a string result raw and exits 0', async () => {
  const r = await cli(['echo', 'hello world']);
  assert.deepEqual(r, { code: 0, out: 'hello world\n', err: '' });
});

test('default: the CLI prints objects as indented JSON', async () => {
  const r = await cli(['gethex', '00ff']);
  assert.equal(r.code, 0);
  assert.equal(r.out, `${JSON.stringify({ length: 2, hex: '00ff', bytes: '00ff' }, null, 2)}\n`);
});

test('args: CLI params parse as JSON when they do, else stay strings', async () => {
  assert.equal((await cli(['add', '2', '3'])).out, '5\n');
  assert.equal((await cli(['echo', '"7"'])).out, '7\n');
  assert.equal(parseCliParam('12'), 12);
  assert.equal(parseCliParam('abc'), 'abc');
  assert.deepEqual(parseCliParam('{"a":[1]}'), { a: [1] });
  assert.equal(parseCliParam('12345678901234567890'), '12345678901234567890', 'integers that lose precision stay text');
});

test('args: -named takes key=value pairs, including named-only params', async () => {
  const r = await cli(['-named', 'toyscreate', 'name=ball', 'amount_sat=10000', 'broadcast=true']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { name: 'ball', amount_sat: '10000', from: null, broadcast: true });
  const bad = await cli(['-named', 'add', '5']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /every param is NAME=VALUE/);
});

test('args: --stdin appends one param per line', async () => {
  assert.equal((await cli(['--stdin', 'add', '1'], '41\n')).out, '42\n');
  assert.equal((await cli(['--stdin', '-named', 'add'], 'a=1\nb=2\n')).out, '3\n');
});

test('error: an RPC error prints "error code:" and "error message:" on stderr and exits 1', async () => {
  const r = await cli(['getinfo', 'x']);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.equal(r.err, "error code: -3\nerror message:\nInvalid parameter 'verbosity': expected integer 0..2, got 'x'\nerror type: rpc/WRONG_TYPE\n");
  const mod = await cli(['toyscreate', 'ghost', '1']);
  assert.match(mod.err, /^error code: -5\nerror message:\nno toy named ghost\nerror type: toys\/NOT_FOUND\nhint: run toyslist first\n$/);
});

test('error: with no server the CLI says how to start one and exits 1', async () => {
  let err = '';
  const code = await runRpcCli(['--rpcport', '1', 'help'], { stdout: () => {}, stderr: (t) => (err += t), env: {} });
  assert.equal(code, 1);
  assert.equal(err, 'error: could not connect to the server 127.0.0.1:1: is cchost running? (start it with `cchost dev`)\n');
});

test('args: --rpcuser/--rpcpassword are used instead of the cookie, and env CCHOST_RPCPORT is honoured', async () => {
  let out = '';
  const code = await runRpcCli(['--rpcuser=alice', '--rpcpassword=pw', 'echo', 'x'], { stdout: (t) => (out += t), stderr: () => {}, env: { CCHOST_RPCPORT: String(rpc.port) } });
  assert.deepEqual([code, out], [0, 'x\n']);
  const wrong = await cli(['--rpcuser', 'alice', '--rpcpassword', 'bad', 'echo', 'x']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /Authorization failed/);
});

test('error: usage errors exit 2; --help prints the options', async () => {
  const none = await cli([]);
  assert.equal(none.code, 2);
  assert.match(none.err, /no METHOD given/);
  const unknown = await cli(['--frob', 'x']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown option '--frob'/);
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: cchost rpc \[OPTIONS\] METHOD/);
  assert.match(help.out, /--stdin/);
});

test('default: `cchost rpc help METHOD` prints the generated help', async () => {
  const r = await cli(['help', 'add']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^add a \( b \)\n/);
});

test('args: --rpcwait retries until the server is up, then reads the fresh cookie', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const dir = mkdtempSync(join(tmpdir(), 'cchost-rpcwait-'));
  const later = new Promise((r) => setTimeout(r, 300)).then(() => startRpcServer({ table: toyTable(), datadir: dir, port }));
  let out = '';
  let err = '';
  try {
    const code = await runRpcCli(['--rpcwait', '--rpcwaittimeout=10', '--rpcport', String(port), '--datadir', dir, 'echo', 'up'], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: {},
    });
    assert.deepEqual([code, out, err], [0, 'up\n', '']);
  } finally {
    await (await later).close();
    rmSync(dir, { recursive: true, force: true });
  }
});
