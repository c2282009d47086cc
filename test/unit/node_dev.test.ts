/**
 * `cchost dev` pieces: the publicly known keys, the dev spec (new and reused), `--reset` refusing
 * folders that are not cchost datadirs or that a live node holds, and `runDev` usage errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MONEY, COIN } from '../../src/chain/params.ts';
import { chainId } from '../../src/chain/spec/canonical.ts';
import { defaultDevSpec } from '../../src/chain/spec/defaults.ts';
import { DEFAULT_PREFIXES, decodeAddress } from '../../src/crypto/address.ts';
import { hash160 } from '../../src/crypto/hash.ts';
import { decodeWif } from '../../src/crypto/keys.ts';
import { isValidPrivateKey, publicKeyFromPrivate, xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { runDev } from '../../src/cli/dev.ts';
import { devChainFor, newDevSpec, resetDatadir } from '../../src/node/devChain.ts';
import { devKey, devKeyFunding, devKeys, devProducerKey, devWalletSeed, MAX_DEV_KEYS } from '../../src/node/devKeys.ts';
import { writeDatadirSpec } from '../../src/node/specFile.ts';
import { equalBytes, toHex } from '../../src/util/bytes.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

test('dev keys are deterministic, valid, distinct, and their WIF and address are theirs', () => {
  const keys = devKeys(25, DEFAULT_PREFIXES);
  assert.equal(new Set(keys.map((k) => toHex(k.privateKey))).size, 25);
  for (const k of keys) {
    assert.ok(isValidPrivateKey(k.privateKey));
    assert.ok(equalBytes(devKey(k.index, DEFAULT_PREFIXES).privateKey, k.privateKey), 'same key every time');
    const w = decodeWif(k.wif, DEFAULT_PREFIXES);
    assert.ok(w.ok && equalBytes(w.value.privateKey, k.privateKey) && w.value.compressed);
    const a = decodeAddress(k.address, DEFAULT_PREFIXES);
    assert.ok(a.ok && equalBytes(a.value.hash, hash160(publicKeyFromPrivate(k.privateKey, true))));
    assert.ok(k.address.startsWith('R'));
  }
  assert.ok(!keys.some((k) => equalBytes(k.privateKey, devProducerKey())), 'the producer key is not a funded key');
  assert.equal(devWalletSeed().length, 32);
});

test('funding: 1,000,000 coins per key up to 20 keys, then an even share of 20,000,000; never above MAX_MONEY', () => {
  assert.equal(devKeyFunding(1), 1_000_000n * COIN);
  assert.equal(devKeyFunding(20), 1_000_000n * COIN);
  assert.equal(devKeyFunding(40), 500_000n * COIN);
  for (const n of [1, 7, 20, 21, 333, MAX_DEV_KEYS]) assert.ok(devKeyFunding(n) * BigInt(n) <= MAX_MONEY, String(n));
  assert.throws(() => devKeyFunding(0), RangeError);
  assert.throws(() => devKeyFunding(MAX_DEV_KEYS + 1), RangeError);
});

test('dev chain: a new datadir gets a new spec; a reused one keeps its spec, keys and chain id', () => {
  const dir = tmp('cchost-devspec-');
  try {
    const a = devChainFor(dir, 4, 1_735_689_600_123);
    assert.equal(a.reused, false);
    assert.equal(a.spec.genesisTimeMs, 1_735_689_600_000, 'rounded down to the second');
    assert.equal(a.spec.allocations.length, 4);
    assert.deepEqual(a.spec.cc.modules, []);
    assert.ok(equalBytes(a.spec.schedule.producers[0]!.key, xOnlyPublicKeyFromPrivate(devProducerKey())));
    writeDatadirSpec(dir, a.spec);
    const b = devChainFor(dir, 9, Date.now());
    assert.equal(b.reused, true);
    assert.equal(chainId(b.spec), chainId(a.spec));
    assert.deepEqual(b.keys.map((k) => k.address), a.keys.map((k) => k.address));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dev chain: a datadir of another chain is refused (not a dev producer, or other allocations)', () => {
  const dir = tmp('cchost-notdev-');
  try {
    const other = defaultDevSpec({ producerKey: xOnlyPublicKeyFromPrivate(devKeys(1, DEFAULT_PREFIXES)[0]!.privateKey), genesisTimeMs: 0, modules: [] });
    writeDatadirSpec(dir, other);
    assert.throws(() => devChainFor(dir, 3, 0), (e: Error & { code?: string }) => e.code === 'NODE_NOT_DEV_DATADIR' && /not the dev producer/.test(e.message));
    const shifted = defaultDevSpec({
      producerKey: xOnlyPublicKeyFromPrivate(devProducerKey()),
      genesisTimeMs: 0,
      allocations: [{ address: devKeys(2, DEFAULT_PREFIXES)[1]!.address, amount: COIN }],
      modules: [],
    });
    writeDatadirSpec(dir, shifted);
    assert.throws(() => devChainFor(dir, 3, 0), /genesis output 0 is not dev key 0/);
    assert.equal(chainId(newDevSpec(2, 0)), chainId(newDevSpec(2, 0)), 'the dev spec is a function of its inputs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--reset empties a cchost datadir, refuses a folder with other files, and one a live node holds', () => {
  const dir = tmp('cchost-reset-');
  try {
    for (const f of ['chain.json', 'chain.sqlite', 'chain.sqlite-wal', 'wallet.json', '.cookie', 'wallet.json.tmp-12-1']) writeFileSync(join(dir, f), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    assert.throws(() => resetDatadir(dir), (e: Error & { code?: string }) => e.code === 'NODE_NOT_DEV_DATADIR' && /'notes\.txt'/.test(e.message));
    assert.ok(existsSync(join(dir, 'chain.sqlite')), 'nothing was removed');
    rmSync(join(dir, 'notes.txt'));
    writeFileSync(join(dir, 'LOCK'), `${process.ppid}\n`);
    assert.throws(() => resetDatadir(dir), new RegExp(`in use by process ${process.ppid}`));
    writeFileSync(join(dir, 'LOCK'), '999999999\n');
    assert.equal(resetDatadir(dir).length, 7);
    assert.deepEqual(readdirSync(dir), []);
    assert.deepEqual(resetDatadir(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cchost dev: usage errors exit 2 without touching the datadir', async () => {
  const err: string[] = [];
  const io = { stdout: () => undefined, stderr: (s: string) => void err.push(s), env: {}, onSignal: () => () => undefined, now: Date.now };
  assert.equal(await runDev(['--keys', '0'], io), 2);
  assert.match(err.join(''), /--keys: expected an integer 1\.\.1000/);
  assert.equal(await runDev(['--frobnicate'], io), 2);
  assert.match(err.join(''), /unknown option '--frobnicate'[\s\S]*Usage: cchost dev/);
  assert.equal(await runDev(['stray'], io), 2);
});

test('cchost node: usage errors exit 2 (unknown option, keys file without a producer name, a bad producer key)', async () => {
  const { runNode } = await import('../../src/cli/node.ts');
  const err: string[] = [];
  const orig = console.error;
  console.error = (s: unknown) => void err.push(String(s));
  try {
    assert.equal(await runNode(['--bogus']), 2);
    assert.equal(await runNode(['--producer-keys-file', '/nonexistent.json']), 2);
    assert.match(err.join('\n'), /--producer-keys-file needs --producer NAME/);
    assert.equal(await runNode(['--producer-key', 'not-a-key']), 2);
    assert.match(err.join('\n'), /--producer-key: not a private key \(64 hex digits or WIF\)/);
    const empty = tmp('cchost-nodecli-');
    // A WIF of any chain parses; the start then stops at the missing spec (exit 1, not a usage error).
    assert.equal(await runNode(['--producer-key', devKey(0, DEFAULT_PREFIXES).wif, '--datadir', empty, '--loglevel', 'silent']), 1);
    assert.match(err.join('\n'), /no chain spec in .*pass --chain FILE/);
    rmSync(empty, { recursive: true, force: true });
  } finally {
    console.error = orig;
  }
});
