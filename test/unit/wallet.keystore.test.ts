/**
 * Keystore: wallet.json persistence (mode 0600, reopen gives the same keys), atomic writes (a crash at
 * any step of a write leaves the old file intact and reopenable), the file lock, corrupt files named
 * with their path and fix, deterministic derivation, key import (WIF, hex, other chains' WIF), labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { DEFAULT_PREFIXES, addressFromPubkey } from '../../src/crypto/address.ts';
import { hash160, taggedHash } from '../../src/crypto/hash.ts';
import { encodeWif } from '../../src/crypto/keys.ts';
import { publicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { CchostError } from '../../src/util/errors.ts';
import {
  Keystore,
  WALLET_FILE_NAME,
  WALLET_KEY_TAG,
  WalletErrorCode,
  decodeWalletData,
  deriveWalletKey,
  keyWif,
  nodeFsOps,
  parseImportKey,
} from '../../src/wallet/index.ts';
import type { WalletFsOps } from '../../src/wallet/index.ts';

const prefixes = DEFAULT_PREFIXES;
const SEED = fromHex('11'.repeat(32));
const KEY_HEX = 'c0ffee00'.repeat(8);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cchost-wallet-'));
}

function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof CchostError) return e.code;
    throw e;
  }
  return undefined;
}

function thrown(fn: () => unknown): CchostError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CchostError) return e;
    throw e;
  }
  assert.fail('expected a CchostError');
}

test('derivation: key i is the tagged hash of seed ‖ u32be(i), stable across calls and distinct per index', () => {
  const i = new Uint8Array([0, 0, 0, 5]);
  assert.equal(toHex(deriveWalletKey(SEED, 5)), toHex(taggedHash(WALLET_KEY_TAG, SEED, i)));
  assert.equal(toHex(deriveWalletKey(SEED, 5)), toHex(deriveWalletKey(SEED.slice(), 5)));
  const seen = new Set<string>();
  for (let k = 0; k < 50; k++) seen.add(toHex(deriveWalletKey(SEED, k)));
  assert.equal(seen.size, 50);
  assert.notEqual(toHex(deriveWalletKey(fromHex('12'.repeat(32)), 0)), toHex(deriveWalletKey(SEED, 0)));
  assert.equal(thrownCode(() => deriveWalletKey(new Uint8Array(31), 0)), 'WALLET_BAD_REQUEST');
  assert.equal(thrownCode(() => deriveWalletKey(SEED, -1)), 'WALLET_BAD_REQUEST');
});

test('getNewAddress: two wallets with the same seed hand out the same addresses in the same order', () => {
  const a = Keystore.inMemory({ prefixes, seed: SEED });
  const b = Keystore.inMemory({ prefixes, seed: SEED });
  const xs = [a.getNewAddress().address, a.getNewAddress('two').address, a.getNewAddress().address];
  const ys = [b.getNewAddress().address, b.getNewAddress().address, b.getNewAddress().address];
  assert.deepEqual(xs, ys);
  assert.equal(new Set(xs).size, 3);
  assert.ok(xs.every((x) => x.startsWith('R')));
  const k1 = a.keys()[1]!;
  assert.equal(k1.label, 'two');
  assert.equal(k1.origin, 'derived');
  assert.equal(k1.index, 1);
  assert.equal(toHex(k1.publicKey), toHex(publicKeyFromPrivate(deriveWalletKey(SEED, 1))));
  assert.equal(a.nextIndex, 3);
});

test('persistence: wallet.json is created with mode 0600 and a reopened keystore has the same keys, labels and next index', () => {
  const dir = tmp();
  try {
    const ks = Keystore.open({ datadir: dir, prefixes, seed: SEED });
    const path = join(dir, WALLET_FILE_NAME);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const a1 = ks.getNewAddress('first').address;
    const imported = ks.importKey(KEY_HEX, 'dev1');
    assert.equal(imported.added, true);
    ks.getNewAddress();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    ks.close();

    const again = Keystore.open({ datadir: dir, prefixes });
    assert.deepEqual(
      again.keys().map((k) => [k.address, k.label, k.origin, k.index]),
      ks.keys().map((k) => [k.address, k.label, k.origin, k.index]),
    );
    assert.equal(again.keys()[0]!.address, a1);
    assert.equal(again.nextIndex, 2);
    // The next address continues from the stored index, not from 0.
    assert.equal(again.getNewAddress().address, addressFromPubkey(publicKeyFromPrivate(deriveWalletKey(SEED, 2)), prefixes));
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('atomic write: a crash before the rename, or in the middle of writing the temp file, leaves the old wallet intact', () => {
  for (const step of ['rename', 'write'] as const) {
    const dir = tmp();
    try {
      const ks = Keystore.open({ datadir: dir, prefixes, seed: SEED });
      ks.getNewAddress('kept');
      ks.close();
      const path = join(dir, WALLET_FILE_NAME);
      const before = readFileSync(path, 'utf8');

      // A file system whose `step` dies half way: the write reaches the disk only partly, or the rename never happens.
      const tmpFds = new Set<number>();
      const crashing: WalletFsOps = {
        ...nodeFsOps,
        openSync: (p, flags, mode) => {
          const fd = nodeFsOps.openSync(p, flags, mode);
          if (p.includes('.tmp-')) tmpFds.add(fd);
          return fd;
        },
        writeSync: (fd, data) => {
          if (step === 'write' && tmpFds.has(fd)) {
            nodeFsOps.writeSync(fd, data.subarray(0, Math.floor(data.length / 2)));
            throw Object.assign(new Error('simulated power loss'), { code: 'EIO' });
          }
          return nodeFsOps.writeSync(fd, data);
        },
        renameSync: (a, b) => {
          if (step === 'rename') throw Object.assign(new Error('simulated power loss'), { code: 'EIO' });
          nodeFsOps.renameSync(a, b);
        },
        unlinkSync: (p) => {
          // A crashed process does not clean up: leave temp files behind (the lock still goes away).
          if (p.includes('.tmp-')) return;
          nodeFsOps.unlinkSync(p);
        },
      };
      const ks2 = Keystore.open({ datadir: dir, prefixes, fs: crashing });
      const e = thrown(() => ks2.getNewAddress('lost'));
      assert.equal(e.code, WalletErrorCode.IO);
      assert.equal(e.details['path'], path);
      // Memory did not move ahead of the disk either.
      assert.equal(ks2.nextIndex, 1);
      assert.equal(ks2.keys().length, 1);
      ks2.close();

      assert.equal(readFileSync(path, 'utf8'), before, `step ${step}: the old file is byte-for-byte intact`);
      assert.ok(readdirSync(dir).some((n) => n.includes('.tmp-')), 'the crash left a temp file behind');
      const ks3 = Keystore.open({ datadir: dir, prefixes });
      assert.deepEqual(ks3.keys().map((k) => k.label), ['kept']);
      assert.ok(!readdirSync(dir).some((n) => n.includes('.tmp-')), 'reopening removes stale temp files');
      ks3.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('lock: a second open in this process, or while another live process holds the lock, fails with WALLET_LOCKED and the fix', () => {
  const dir = tmp();
  try {
    const ks = Keystore.open({ datadir: dir, prefixes });
    const e = thrown(() => Keystore.open({ datadir: dir, prefixes }));
    assert.equal(e.code, WalletErrorCode.LOCKED);
    assert.match(String(e.details['hint']), /close/);
    ks.close();

    // A lock naming a live process (the parent of this one) is respected.
    writeFileSync(join(dir, `${WALLET_FILE_NAME}.lock`), `${process.ppid}\n`);
    const e2 = thrown(() => Keystore.open({ datadir: dir, prefixes }));
    assert.equal(e2.code, WalletErrorCode.LOCKED);
    assert.equal(e2.details['pid'], process.ppid);
    assert.match(e2.message, new RegExp(`process ${process.ppid}`));
    assert.match(String(e2.details['hint']), /--datadir/);

    // A lock left by a dead process is taken over.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, `${WALLET_FILE_NAME}.lock`), `${String(dead.stdout)}\n`);
    const ks2 = Keystore.open({ datadir: dir, prefixes });
    ks2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupt file: bad JSON, a foreign format, a newer version and a tampered derived key give WALLET_CORRUPT with the path and a fix', () => {
  const dir = tmp();
  try {
    const path = join(dir, WALLET_FILE_NAME);
    const ks = Keystore.open({ datadir: dir, prefixes, seed: SEED });
    ks.getNewAddress();
    ks.close();
    const good = readFileSync(path, 'utf8');
    const doc = JSON.parse(good) as { version: number; keys: { privkey: string }[] };
    const cases: [string, string, RegExp][] = [
      ['truncated', good.slice(0, good.length / 2), /not JSON/],
      ['foreign', JSON.stringify({ format: 'bitcoin-core', version: 1 }), /"format"/],
      ['newer', JSON.stringify({ ...doc, version: 2 }), /newer cchost/],
      ['tampered', JSON.stringify({ ...doc, keys: [{ ...doc.keys[0]!, privkey: KEY_HEX }] }), /not the seed's key at index 0/],
    ];
    for (const [name, text, re] of cases) {
      writeFileSync(path, text);
      const e = thrown(() => Keystore.open({ datadir: dir, prefixes }));
      assert.equal(e.code, WalletErrorCode.CORRUPT, name);
      assert.equal(e.details['path'], path, name);
      assert.match(e.message, re, name);
      assert.match(String(e.details['hint']), /backup/, name);
      // The failed open released its lock and did not overwrite the file.
      assert.equal(readFileSync(path, 'utf8'), text, name);
    }
    assert.ok(decodeWalletData(good, path).ok);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('open with create: false on an empty datadir fails with WALLET_IO instead of creating a wallet', () => {
  const dir = tmp();
  try {
    assert.equal(thrownCode(() => Keystore.open({ datadir: dir, prefixes, create: false })), WalletErrorCode.IO);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importKey: WIF (compressed and uncompressed) and hex give the matching addresses; re-import adds nothing but sets the label', () => {
  const ks = Keystore.inMemory({ prefixes, seed: SEED });
  const priv = fromHex(KEY_HEX);
  const r1 = ks.importKey(KEY_HEX);
  assert.equal(r1.added, true);
  assert.equal(toHex(r1.key.pubkeyHash), toHex(hash160(publicKeyFromPrivate(priv, true))));
  assert.equal(keyWif(r1.key, prefixes), encodeWif(priv, true, prefixes));

  const r2 = ks.importKey(encodeWif(priv, true, prefixes), 'dev1');
  assert.equal(r2.added, false);
  assert.equal(r2.key.label, 'dev1');
  assert.equal(ks.keys().length, 1);

  const r3 = ks.importKey(encodeWif(priv, false, prefixes));
  assert.equal(r3.added, true);
  assert.equal(r3.key.compressed, false);
  assert.equal(r3.key.publicKey.length, 65);
  assert.notEqual(r3.key.address, r1.key.address);
  assert.equal(ks.findKey(r3.key.address)?.compressed, false);
  assert.equal(ks.findKey(toHex(r1.key.publicKey))?.address, r1.key.address);
});

test('importKey errors: a WIF of another chain names the expected version byte; garbage and out-of-range hex are WALLET_BAD_KEY', () => {
  const ks = Keystore.inMemory({ prefixes });
  const btcWif = encodeWif(fromHex(KEY_HEX), true, { ...prefixes, wif: 0x80 });
  const e = thrown(() => ks.importKey(btcWif));
  assert.equal(e.code, WalletErrorCode.BAD_KEY);
  assert.equal(e.details['reason'], 'prefix');
  assert.match(e.message, /expected 0xbc/);
  assert.equal(thrownCode(() => ks.importKey('not a key')), WalletErrorCode.BAD_KEY);
  assert.equal(thrownCode(() => ks.importKey('ff'.repeat(32))), WalletErrorCode.BAD_KEY);
  assert.equal(thrownCode(() => ks.importKey('00'.repeat(32))), WalletErrorCode.BAD_KEY);
  assert.equal(ks.keys().length, 0);
  const p = parseImportKey(`0x${KEY_HEX}`, prefixes);
  assert.ok(p.ok && p.value.compressed);
});

test('labels: setLabel persists; unknown keys give WALLET_UNKNOWN_KEY; labels over 256 characters are refused', () => {
  const dir = tmp();
  try {
    const ks = Keystore.open({ datadir: dir, prefixes, seed: SEED });
    const a = ks.getNewAddress().address;
    ks.setLabel(a, 'renamed');
    assert.equal(thrownCode(() => ks.setLabel(Keystore.inMemory({ prefixes }).getNewAddress().address, 'x')), WalletErrorCode.UNKNOWN_KEY);
    assert.equal(thrownCode(() => ks.getNewAddress('x'.repeat(257))), WalletErrorCode.BAD_REQUEST);
    assert.equal(ks.keys().length, 1);
    ks.close();
    const again = Keystore.open({ datadir: dir, prefixes });
    assert.equal(again.findKey(a)?.label, 'renamed');
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('change keys: peekChangeKey stores nothing until commitChangeKey; a stale peek is ignored', () => {
  const ks = Keystore.inMemory({ prefixes, seed: SEED });
  const c = ks.peekChangeKey();
  assert.equal(ks.keys().length, 0);
  assert.equal(c.index, 0);
  ks.commitChangeKey(c);
  assert.equal(ks.keys().length, 1);
  assert.equal(ks.keys()[0]!.origin, 'change');
  ks.commitChangeKey(c); // already stored: no duplicate
  assert.equal(ks.keys().length, 1);
  const stale = ks.peekChangeKey();
  ks.getNewAddress();
  ks.commitChangeKey(stale); // index 1 was handed out meanwhile
  assert.equal(ks.keys().length, 2);
  assert.equal(ks.keys()[1]!.origin, 'derived');
});

test('real crash: a writer killed with SIGKILL at an arbitrary moment leaves a wallet that opens with every address it reported', async () => {
  const dir = tmp();
  try {
    const walletIndex = new URL('../../src/wallet/index.ts', import.meta.url).pathname;
    const script =
      `import { Keystore } from ${JSON.stringify(walletIndex)};\n` +
      `const ks = Keystore.open({ datadir: ${JSON.stringify(dir)}, prefixes: { pubKeyHash: 0x3c, scriptHash: 0x55, wif: 0xbc } });\n` +
      `for (;;) process.stdout.write(ks.getNewAddress('l'.repeat(200)).address + '\\n');\n`;
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        if (out.split('\n').length > 40) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const reported = out.split('\n').slice(0, -1); // complete lines only
    assert.ok(reported.length >= 40);
    const ks = Keystore.open({ datadir: dir, prefixes }); // the dead writer's lock is stale
    const have = new Set(ks.keys().map((k) => k.address));
    // Each address was written to disk before it was printed, so every printed one is stored.
    for (const a of reported) assert.ok(have.has(a), `address ${a} was reported, so it must be stored`);
    assert.ok(ks.keys().length >= reported.length);
    ks.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
