import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/index.ts';
import { unwrap } from '../../src/util/errors.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { CHAIN_ID, OTHER_CHAIN_ID, TestChain, h20, linearChain, p2pkhScript, spendTx } from './store.fixture.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cchost-store-test-'));
}

function chainOf(n: number): TestChain {
  const c = new TestChain();
  c.add([]);
  for (let h = 1; h <= n; h++) {
    const prev = c.deltas[h - 1]!.created.find((e) => e.coin.value > 1000n && (h === 1 || !e.coin.coinbase))!;
    c.add([spendTx([prev.outpoint], [{ script: p2pkhScript(h20(`d${h}`)), value: prev.coin.value - 10n }])]);
  }
  return c;
}

test('persistence: blocks, coins, LIB and meta survive close and reopen; the lock is released on close', () => {
  const dir = tempDir();
  try {
    const c = chainOf(4);
    const s = unwrap(openStore(dir, { chainId: CHAIN_ID, chainName: 'test' }));
    for (const d of c.deltas) unwrap(s.connectBlock(d));
    unwrap(s.setLib(2));
    unwrap(s.setMeta('finalizer.safety', utf8('state v1')));
    const dump = s.dump();
    assert.ok(existsSync(join(dir, 'LOCK')));
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    s.close();
    s.close();
    assert.ok(!existsSync(join(dir, 'LOCK')), 'close removes the lock file');
    assert.ok(existsSync(join(dir, 'chain.sqlite')));

    const r = unwrap(openStore(dir, { chainId: CHAIN_ID }));
    assert.deepEqual(r.dump(), dump);
    assert.deepEqual(r.tip(), { height: 4, id: c.deltas[4]!.id });
    assert.equal(r.lib(), 2);
    assert.deepEqual(r.getMeta('finalizer.safety'), utf8('state v1'));
    const last = c.deltas[4]!.created[0]!;
    assert.deepEqual(r.getCoin(last.outpoint), last.coin);
    // The next block connects on top of the reopened store.
    const next = c.add([]);
    unwrap(r.connectBlock(next));
    assert.ok(r.verifyConsistency({ sqlite: true }).ok);
    unwrap(r.setMeta('finalizer.safety', undefined));
    assert.equal(r.getMeta('finalizer.safety'), undefined);
    const reserved = r.setMeta('store.lib', utf8('9'));
    assert.equal(!reserved.ok && reserved.error.code, 'STORE_BAD_ARGUMENT');
    r.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lock: a second store on the same datadir in this process is refused until the first closes', () => {
  const dir = tempDir();
  try {
    const a = unwrap(openStore(dir, { chainId: CHAIN_ID }));
    const b = openStore(dir, { chainId: CHAIN_ID });
    assert.equal(!b.ok && b.error.code, 'STORE_LOCKED');
    assert.match(!b.ok ? b.error.message : '', new RegExp(`in use by this process \\(${process.pid}\\).*--datadir`));
    a.close();
    unwrap(openStore(dir, { chainId: CHAIN_ID })).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const FIXTURE_URL = pathToFileURL(resolve('test/unit/store.fixture.ts')).href;
const STORE_URL = pathToFileURL(resolve('src/store/index.ts')).href;

/** A child node process: opens the store, connects genesis and block 1, prints "ready", then idles. */
function holder(dir: string): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const code = `
    import { openStore } from ${JSON.stringify(STORE_URL)};
    import { TestChain, CHAIN_ID } from ${JSON.stringify(FIXTURE_URL)};
    const c = new TestChain(); c.add([]); c.add([]);
    const r = openStore(${JSON.stringify(dir)}, { chainId: CHAIN_ID });
    if (!r.ok) { console.log('error ' + r.error.code); process.exit(3); }
    for (const d of c.deltas) { const x = r.value.connectBlock(d); if (!x.ok) { console.log('error ' + x.error.code); process.exit(4); } }
    console.log('ready');
    setInterval(() => { if (!r.ok) process.exit(5); }, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return new Promise((res, rej) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready')) res({ child, exited });
      if (out.includes('error')) rej(new Error(`holder failed: ${out}`));
    });
    child.once('exit', (codeN) => rej(new Error(`holder exited early (${String(codeN)}): ${out}`)));
  });
}

test('lock: a datadir held by a live process is refused with its pid; after SIGKILL the stale lock is taken over and its blocks are there', async () => {
  const dir = tempDir();
  const { child, exited } = await holder(dir);
  try {
    const r = openStore(dir, { chainId: CHAIN_ID });
    assert.equal(r.ok ? 'opened' : r.error.code, 'STORE_LOCKED', `LOCK holds ${readFileSync(join(dir, 'LOCK'), 'utf8')}, child ${child.pid}`);
    assert.equal(!r.ok && r.error['pid'], child.pid);
    assert.match(!r.ok ? r.error.message : '', new RegExp(`datadir .* is in use by process ${child.pid}; stop it or pass --datadir`));

    // Even without the LOCK file, SQLite's exclusive lock refuses a second writer.
    unlinkSync(join(dir, 'LOCK'));
    const r2 = openStore(dir, { chainId: CHAIN_ID });
    assert.equal(r2.ok ? 'opened' : r2.error.code, 'STORE_LOCKED');
    assert.ok(!existsSync(join(dir, 'LOCK')), 'the refused open left no lock file behind');
    writeFileSync(join(dir, 'LOCK'), `${child.pid}\n`);

    child.kill('SIGKILL');
    await exited;
    const s = unwrap(openStore(dir, { chainId: CHAIN_ID }));
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid), 'the lock now names this process');
    assert.equal(s.height(), 1, 'both blocks the killed process connected are there');
    const report = s.verifyConsistency({ sqlite: true });
    assert.ok(report.ok, report.problems.join('\n'));
    s.close();
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lock: a LOCK file naming a dead process, or holding garbage, is taken over', () => {
  const dir = tempDir();
  try {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout.trim());
    writeFileSync(join(dir, 'LOCK'), `${deadPid}\n`);
    unwrap(openStore(dir, { chainId: CHAIN_ID })).close();
    writeFileSync(join(dir, 'LOCK'), 'not a pid');
    unwrap(openStore(dir, { chainId: CHAIN_ID })).close();
    // Our own pid in a LOCK we do not hold is a previous run of ours (pid reuse after a crash).
    writeFileSync(join(dir, 'LOCK'), `${process.pid}\n`);
    unwrap(openStore(dir, { chainId: CHAIN_ID })).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a datadir of another chain is refused with both chain ids', () => {
  const dir = tempDir();
  try {
    unwrap(openStore(dir, { chainId: CHAIN_ID, chainName: 'alpha' })).close();
    const r = openStore(dir, { chainId: OTHER_CHAIN_ID, chainName: 'beta' });
    assert.equal(!r.ok && r.error.code, 'STORE_WRONG_CHAIN');
    const msg = !r.ok ? r.error.message : '';
    assert.match(msg, /holds chain "alpha" \(id [0-9a-f]{64}\), not chain "beta"/);
    assert.match(msg, /--datadir/);
    assert.ok(!existsSync(join(dir, 'LOCK')), 'the refused open released the lock');
    unwrap(openStore(dir, { chainId: CHAIN_ID })).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database of a newer schema, or a file that is not a database, is refused', () => {
  const dir = tempDir();
  try {
    unwrap(openStore(dir, { chainId: CHAIN_ID })).close();
    const db = new Database(join(dir, 'chain.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    const r = openStore(dir, { chainId: CHAIN_ID });
    assert.equal(!r.ok && r.error.code, 'STORE_SCHEMA_TOO_NEW');
    assert.match(!r.ok ? r.error.message : '', /schema version 99/);
    rmSync(join(dir, 'chain.sqlite'));
    rmSync(join(dir, 'chain.sqlite-wal'), { force: true });
    writeFileSync(join(dir, 'chain.sqlite'), 'this is not sqlite at all, just some text that is long enough to have a header...');
    const j = openStore(dir, { chainId: CHAIN_ID });
    assert.equal(!j.ok && j.error.code, 'STORE_OPEN_FAILED');
    assert.match(!j.ok ? j.error.message : '', /not a SQLite database/);
    assert.ok(!existsSync(join(dir, 'LOCK')));
    const under = openStore(join(dir, 'chain.sqlite', 'sub'), { chainId: CHAIN_ID });
    assert.equal(!under.ok && under.error.code, 'STORE_OPEN_FAILED', 'a datadir below a regular file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const noId = openStore(':memory:', { chainId: new Uint8Array(31) });
  assert.equal(!noId.ok && noId.error.code, 'STORE_BAD_ARGUMENT');
});

test('verifyConsistency finds tampered coins, spenders, transactions and undo records', () => {
  const dir = tempDir();
  const tamper = (sql: string): void => {
    const db = new Database(join(dir, 'chain.sqlite'));
    db.exec(sql);
    db.close();
  };
  const check = (): { ok: boolean; problems: readonly string[] } => {
    const s: Store = unwrap(openStore(dir, { chainId: CHAIN_ID }));
    const r = s.verifyConsistency();
    s.close();
    return r;
  };
  try {
    const c = chainOf(3);
    const s = unwrap(openStore(dir, { chainId: CHAIN_ID }));
    for (const d of c.deltas) unwrap(s.connectBlock(d));
    s.close();
    assert.equal(check().ok, true);
    tamper('UPDATE txout SET value = value + 1 WHERE txnum = 0 AND vout = 0');
    let r = check();
    assert.equal(r.ok, false);
    assert.match(r.problems.join('\n'), /txout row 0:0 is/);
    tamper('UPDATE txout SET value = value - 1 WHERE txnum = 0 AND vout = 0');
    assert.equal(check().ok, true);

    tamper('UPDATE txout SET spent_txnum = NULL, spent_vin = NULL WHERE spent_txnum IS NOT NULL AND txnum = 0');
    r = check();
    assert.equal(r.ok, false, 'an unspent mark on a spent coin');

    tamper("UPDATE undo SET data = x'00' WHERE height = 2");
    r = check();
    assert.match(r.problems.join('\n'), /block 2: undo record lists other outputs/);

    tamper('DELETE FROM tx WHERE txnum = (SELECT max(txnum) FROM tx)');
    r = check();
    assert.match(r.problems.join('\n'), /missing from the tx table/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A child that connects `linearChain(100, 20)` from the stored tip on, printing each height once committed. */
function writer(dir: string): { child: ChildProcess; lines: string[]; exited: Promise<void>; waitFor: (h: number) => Promise<void> } {
  const code = `
    import { openStore } from ${JSON.stringify(STORE_URL)};
    import { linearChain, CHAIN_ID } from ${JSON.stringify(FIXTURE_URL)};
    const chain = linearChain(100, 20);
    const r = openStore(${JSON.stringify(dir)}, { chainId: CHAIN_ID });
    if (!r.ok) { console.log('error ' + r.error.code); process.exit(3); }
    const s = r.value;
    console.log('start ' + s.height());
    for (let h = s.height() + 1; h < chain.deltas.length; h++) {
      const x = s.connectBlock(chain.deltas[h]);
      if (!x.ok) { console.log('error ' + x.error.code); process.exit(4); }
      console.log('connected ' + h);
    }
    console.log('done');
    setInterval(() => { if (!r.ok) process.exit(5); }, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: { h: number; res: () => void; rej: (e: Error) => void }[] = [];
  let buf = '';
  child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      const m = /^connected (\d+)$/.exec(l);
      for (const w of [...waiters]) {
        if ((m !== null && Number(m[1]) >= w.h) || l === 'done') {
          waiters.splice(waiters.indexOf(w), 1);
          w.res();
        } else if (l.startsWith('error')) w.rej(new Error(l));
      }
    }
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const waitFor = (h: number): Promise<void> => new Promise((res, rej) => waiters.push({ h, res, rej }));
  return { child, lines, exited, waitFor };
}

test('crash safety: a writer killed with SIGKILL mid-stream loses no block it reported connected, and the store stays consistent', async () => {
  const dir = tempDir();
  const expected = linearChain(100, 20);
  let lastReported = -1;
  try {
    for (const killAt of [10, 55]) {
      const w = writer(dir);
      try {
        await w.waitFor(killAt);
        w.child.kill('SIGKILL');
        await w.exited;
      } finally {
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
        await w.exited;
      }
      const start = Number(/^start (-?\d+)$/.exec(w.lines[0] ?? '')?.[1]);
      assert.ok(start >= lastReported, `restart at ${start}, but block ${lastReported} had been reported connected`);
      const reported = w.lines.filter((l) => l.startsWith('connected ')).map((l) => Number(l.slice(10)));
      lastReported = Math.max(lastReported, ...reported);
      const s = unwrap(openStore(dir, { chainId: CHAIN_ID }));
      assert.ok(s.height() >= lastReported, `height ${s.height()} after the kill, block ${lastReported} was reported connected`);
      assert.deepEqual(s.tip()!.id, expected.deltas[s.height()]!.id);
      const report = s.verifyConsistency({ sqlite: true });
      assert.ok(report.ok, report.problems.join('\n'));
      s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
