import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../src/crypto/hash.ts';
import { addressFromPubkey } from '../../src/crypto/address.ts';
import { publicKeyFromPrivate, xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.ts';
import { runChainNew, nodeChainNewIo } from '../../src/cli/chainNew.ts';
import type { ChainNewIo } from '../../src/cli/chainNew.ts';
import { chainId, parseChainSpecText } from '../../src/chain/spec/index.ts';

interface Fake extends ChainNewIo {
  files: Map<string, { data: string; mode: number }>;
  stdout: string[];
  stderr: string[];
}

function fakeIo(existing: string[] = []): Fake {
  let n = 0;
  const files = new Map<string, { data: string; mode: number }>();
  for (const e of existing) files.set(e, { data: 'old', mode: 0o644 });
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    files,
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    exists: (p) => files.has(p),
    writeFile: (p, data, mode, overwrite) => {
      if (files.has(p) && !overwrite) throw new Error(`EEXIST ${p}`);
      files.set(p, { data, mode });
    },
    now: () => 1_735_689_600_123,
    randomPrivateKey: () => sha256(utf8(`key ${n++}`)),
  };
}

const xkey = (s: string) => toHex(xOnlyPublicKeyFromPrivate(sha256(utf8(s))));

test('chain new: generates producer keys, writes a valid spec and a 0600 keys file, prints the chain id', async () => {
  const io = fakeIo();
  const code = await runChainNew(['--name', 'demo', '--producers', '3'], io);
  assert.equal(code, 0, io.stderr.join('\n'));
  const spec = io.files.get('demo.chain.json');
  const keys = io.files.get('demo.chain.keys.json');
  assert.ok(spec && keys);
  assert.equal(keys.mode, 0o600);
  const parsed = parseChainSpecText(spec.data);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.schedule.producers.map((p) => p.name), ['producer1', 'producer2', 'producer3']);
  assert.equal(parsed.value.genesisTimeMs, 1_735_689_600_000, 'now, rounded down to the second');
  const doc = JSON.parse(keys.data) as { chainId: string; producers: { name: string; key: string; privateKey: string; wif: string }[] };
  assert.equal(doc.chainId, chainId(parsed.value));
  for (const [i, p] of doc.producers.entries()) {
    assert.equal(toHex(xOnlyPublicKeyFromPrivate(fromHex(p.privateKey))), p.key, 'the key file matches the schedule');
    assert.equal(p.key, toHex(parsed.value.schedule.producers[i]!.key));
    assert.match(p.wif, /^U/, 'WIF with the chain prefix 0xbc');
  }
  assert.ok(io.stdout.some((l) => l === `chain id ${chainId(parsed.value)}`));
  assert.ok(io.stderr.some((l) => /warning: .*private keys/.test(l)));
});

test('chain new: existing producer keys (named or not), allocations, genesis time and module choice', async () => {
  const io = fakeIo();
  const a = addressFromPubkey(publicKeyFromPrivate(sha256(utf8('alice'))));
  const code = await runChainNew(
    [
      '--name=net1',
      '--producer-key',
      `zed=${xkey('z')}`,
      '--producer-key',
      xkey('y'),
      '--allocate',
      `${a}=1000.5`,
      '--genesis-time',
      '2025-01-01T00:00:00Z',
      '--modules',
      'faucet,kv',
      '--out',
      'out/spec.json',
    ],
    io,
  );
  assert.equal(code, 0, io.stderr.join('\n'));
  assert.equal(io.files.has('out/spec.keys.json'), false, 'no keys file for given keys');
  const parsed = parseChainSpecText(io.files.get('out/spec.json')!.data);
  assert.ok(parsed.ok);
  const s = parsed.value;
  assert.deepEqual(s.schedule.producers.map((p) => [p.name, toHex(p.key)]), [['producer2', xkey('y')], ['zed', xkey('z')]]);
  assert.equal(s.allocations[0]!.address, a);
  assert.equal(s.allocations[0]!.amount, 100_050_000_000n);
  assert.equal(s.genesisTimeMs, Date.UTC(2025, 0, 1));
  assert.deepEqual(s.cc.modules.map((m) => m.name), ['kv', 'faucet']);
});

test('chain new: usage errors exit 2 with the usage text', async () => {
  for (const argv of [[], ['--name'], ['--name', 'x', '--bogus'], ['--name', 'x', '--producers', '0'], ['--name', 'x', '--producers', '2', '--producer-key', xkey('a')], ['--name', 'x', '--modules', 'nope'], ['--name', 'x', '--allocate', 'R1']]) {
    const io = fakeIo();
    assert.equal(await runChainNew(argv, io), 2, argv.join(' '));
    assert.match(io.stderr.join('\n'), /Usage|cchost chain new --name/);
    assert.equal(io.files.size, 0);
  }
});

test('chain new: an invalid spec exits 1 listing every problem with its field, writing nothing', async () => {
  const io = fakeIo();
  const code = await runChainNew(['--name', 'bad name', '--producer-key', 'abcd', '--allocate', 'Rnope=1'], io);
  assert.equal(code, 1);
  const text = io.stderr.join('\n');
  assert.match(text, /name/);
  assert.match(text, /producers\[0\]\.key/);
  assert.match(text, /allocations\[0\]\.address/);
  assert.equal(io.files.size, 0);
});

test('chain new: refuses to overwrite without --force', async () => {
  const io = fakeIo(['demo.chain.keys.json']);
  assert.equal(await runChainNew(['--name', 'demo'], io), 1);
  assert.match(io.stderr.join('\n'), /already exists; pass --force/);
  assert.equal(io.files.get('demo.chain.keys.json')!.data, 'old');
  assert.equal(await runChainNew(['--name', 'demo', '--force'], io), 0);
  assert.notEqual(io.files.get('demo.chain.keys.json')!.data, 'old');
});

test('chain new: the real file system writes the keys file with mode 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-chain-new-'));
  try {
    const out = join(dir, 'c.json');
    const lines: string[] = [];
    const io: ChainNewIo = { ...nodeChainNewIo, out: (l) => lines.push(l), err: (l) => lines.push(l) };
    assert.equal(await runChainNew(['--name', 'fs', '--out', out], io), 0, lines.join('\n'));
    assert.equal(statSync(join(dir, 'c.keys.json')).mode & 0o777, 0o600);
    assert.ok(parseChainSpecText(readFileSync(out, 'utf8')).ok);
    assert.equal(await runChainNew(['--name', 'fs', '--out', out], io), 1, 'exists');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
