/**
 * The P2P building blocks on their own: dedup set, token buckets, reconnect backoff, the priority
 * queue, misbehaviour scores (decay, ban, log once), the handshake policy and signature, the
 * error → verdict mapping, and the progress display.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NULL_REF } from '../../src/consensus/refs.ts';
import {
  DEFAULT_BACKOFF,
  Lane,
  NetErrorCode,
  OnceLog,
  OutboundQueue,
  PeerScores,
  SeenSet,
  TokenBucket,
  authDigest,
  backoffDelay,
  checkHello,
  encodeMessage,
  messageKey,
  producerDirectory,
  progressReporter,
  renderProgress,
  signAuth,
  verdictFor,
  verifyAuth,
} from '../../src/net/index.ts';
import type { HelloMsg, HelloPolicy, SyncProgress } from '../../src/net/index.ts';
import { CHAIN, OTHER_CHAIN, SCHEDULE, keyOf, privOf, recordingLogger } from './net_fixture.ts';

const RUNS = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);

test('SeenSet: duplicates are reported, capacity is a bound, recently seen keys survive eviction', () => {
  const s = new SeenSet(3);
  assert.equal(s.add('a'), true);
  assert.equal(s.add('a'), false);
  s.add('b');
  s.add('c');
  s.add('a'); // refresh a
  s.add('d'); // evicts b, the least recently seen
  assert.equal(s.size, 3);
  assert.equal(s.has('b'), false);
  assert.equal(s.has('a'), true);
  assert.notEqual(messageKey(Uint8Array.of(1)), messageKey(Uint8Array.of(2)));
  assert.equal(messageKey(Uint8Array.of(1, 2)), messageKey(Uint8Array.of(1, 2)));
});

test('TokenBucket: burst then refill at the rate', () => {
  const b = new TokenBucket({ perSecond: 10, burst: 5 }, 0);
  let taken = 0;
  for (let i = 0; i < 20; i++) if (b.take(1, 0)) taken++;
  assert.equal(taken, 5);
  assert.equal(b.take(1, 50), false, '50 ms refills half a token');
  assert.equal(b.take(1, 200), true, '200 ms refills 2 tokens');
  assert.ok(b.available(10_000) <= 5, 'never above the burst');
});

test('backoff: grows by the factor, stays within [initial·(1−jitter), max]', () => {
  assert.equal(backoffDelay(0, DEFAULT_BACKOFF, () => 0.5), 250);
  assert.equal(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5), 2000);
  assert.equal(backoffDelay(50, DEFAULT_BACKOFF, () => 0.5), 30_000);
  fc.assert(
    fc.property(fc.nat({ max: 1000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
      const d = backoffDelay(attempt, DEFAULT_BACKOFF, () => r);
      assert.ok(d >= 200 && d <= 30_000, `${d}`);
    }),
    { numRuns: RUNS },
  );
});

test('OutboundQueue: votes before blocks before txs; a full lane drops its oldest messages', () => {
  const q = new OutboundQueue({ high: { maxMessages: 10, maxBytes: 1000 }, mid: { maxMessages: 10, maxBytes: 1000 }, low: { maxMessages: 3, maxBytes: 1000 } });
  for (let i = 0; i < 6; i++) q.push(Uint8Array.of(0x10, i), Lane.LOW);
  q.push(Uint8Array.of(0x11, 0), Lane.MID);
  q.push(Uint8Array.of(0x12, 0), Lane.HIGH);
  assert.equal(q.length, 5);
  assert.deepEqual(q.dropped, [0, 0, 3]);
  const out = q.take(1 << 20).map((m) => [...m]);
  assert.deepEqual(out, [[0x12, 0], [0x11, 0], [0x10, 3], [0x10, 4], [0x10, 5]]);
  assert.equal(q.length, 0);
});

test('OutboundQueue: frames respect the byte budget but always carry one message', () => {
  const q = new OutboundQueue();
  q.push(new Uint8Array(5000), Lane.MID);
  q.push(new Uint8Array(10), Lane.MID);
  q.push(new Uint8Array(10), Lane.MID);
  assert.equal(q.take(100).length, 1, 'a message larger than the budget goes alone');
  assert.equal(q.take(100).length, 2);
  const b = new OutboundQueue({ high: { maxMessages: 5, maxBytes: 100 }, mid: { maxMessages: 5, maxBytes: 100 }, low: { maxMessages: 5, maxBytes: 100 } });
  for (let i = 0; i < 5; i++) b.push(new Uint8Array(40), Lane.LOW);
  assert.ok(b.bytes <= 100, 'the byte bound holds');
  assert.equal(b.dropped[2], 3);
});

test('PeerScores: weights add up, decay with the half-life, ban at the threshold, one log line per reason', () => {
  let now = 1_000_000;
  const log = recordingLogger();
  const s = new PeerScores({ banThreshold: 100, halfLifeMs: 1000, banMs: 5000 }, log, () => now);
  for (let i = 0; i < 3; i++) s.record('p1', 'mallory', 'malformed', 'junk');
  assert.equal(Math.round(s.score('p1')), 60);
  now += 1000;
  assert.equal(Math.round(s.score('p1')), 30, 'halved after one half-life');
  let banned = false;
  for (let i = 0; i < 100 && !banned; i++) banned = s.record('p1', 'mallory', 'flood').banned;
  assert.ok(banned);
  assert.ok(s.isBanned('p1'));
  s.record('p1', 'mallory', 'flood');
  s.record('p1', 'mallory', 'malformed');
  assert.equal(log.lines.filter((l) => l.msg === 'peer misbehaviour').length, 2, 'malformed and flood, once each');
  assert.equal(log.lines.filter((l) => l.msg === 'peer banned').length, 1);
  const banLine = log.lines.find((l) => l.msg === 'peer banned')!;
  assert.equal((banLine.fields['offences'] as Record<string, number>)['malformed'], 3);
  assert.equal(s.counts('p1')['flood'], 36, '35 floods reach 100 from 30, one more while banned');
  now += 5001;
  assert.equal(s.isBanned('p1'), false, 'bans expire');
  assert.equal(s.score('p1'), 0);
  s.record('p1', 'mallory', 'malformed');
  assert.equal(log.lines.filter((l) => l.msg === 'peer misbehaviour').length, 3, 'after a ban a reason is logged again');
});

test('OnceLog: first hit logs, later hits count', () => {
  const o = new OnceLog(2);
  let logged = 0;
  for (let i = 0; i < 5; i++) o.hit('k', () => logged++);
  assert.equal(logged, 1);
  assert.equal(o.count('k'), 5);
});

function helloOf(name: string, extra: Partial<HelloMsg> = {}): HelloMsg {
  return {
    type: 'hello',
    version: 1,
    chainId: CHAIN,
    name,
    key: keyOf(name),
    producer: true,
    head: NULL_REF,
    lib: NULL_REF,
    nonce: new Uint8Array(32).fill(1),
    timestampMs: 1000,
    agent: 't',
    ...extra,
  };
}

const policy: HelloPolicy = {
  chainId: CHAIN,
  ownKey: keyOf('alice'),
  ownNonce: new Uint8Array(32).fill(9),
  nowMs: 1000,
  maxClockSkewMs: 30_000,
  producers: producerDirectory(SCHEDULE.producers),
  allowNonProducers: true,
  isBanned: (id) => id === Buffer.from(keyOf('banned')).toString('hex'),
};

test('checkHello: accepts producers and full nodes, refuses wrong chain, key, role, self, skew and bans', () => {
  assert.deepEqual(checkHello(helloOf('bob'), policy), { ok: true, value: { producer: true } });
  assert.deepEqual(checkHello(helloOf('watcher', { producer: false }), policy), { ok: true, value: { producer: false } });
  const code = (h: HelloMsg, p: HelloPolicy = policy): string => {
    const r = checkHello(h, p);
    assert.ok(!r.ok);
    return r.error.code;
  };
  assert.equal(code(helloOf('bob', { chainId: OTHER_CHAIN })), NetErrorCode.HANDSHAKE_WRONG_CHAIN);
  assert.equal(code(helloOf('bob', { key: keyOf('mallory') })), NetErrorCode.HANDSHAKE_WRONG_KEY);
  assert.equal(code(helloOf('mallory', { key: keyOf('bob'), producer: false })), NetErrorCode.HANDSHAKE_WRONG_KEY);
  assert.equal(code(helloOf('mallory')), NetErrorCode.HANDSHAKE_NOT_SCHEDULED);
  assert.equal(code(helloOf('watcher', { producer: false }), { ...policy, allowNonProducers: false }), NetErrorCode.HANDSHAKE_NOT_ALLOWED);
  assert.equal(code(helloOf('alice')), NetErrorCode.HANDSHAKE_SELF);
  assert.equal(code(helloOf('bob', { nonce: policy.ownNonce })), NetErrorCode.HANDSHAKE_SELF);
  assert.equal(code(helloOf('bob', { timestampMs: 1000 + 30_001 })), NetErrorCode.HANDSHAKE_CLOCK_SKEW);
  assert.equal(code(helloOf('banned', { producer: false })), NetErrorCode.HANDSHAKE_BANNED);
  assert.equal(code(helloOf('bob', { version: 2 })), NetErrorCode.HANDSHAKE_VERSION);
});

test('auth signature: binds both hellos; a recorded signature fails against a fresh nonce', () => {
  const bobHello = helloOf('bob', { nonce: new Uint8Array(32).fill(2) });
  const aliceHello1 = helloOf('alice', { nonce: new Uint8Array(32).fill(3) });
  const aliceHello2 = helloOf('alice', { nonce: new Uint8Array(32).fill(4) });
  const b = encodeMessage(bobHello);
  const a1 = encodeMessage(aliceHello1);
  const a2 = encodeMessage(aliceHello2);
  const sig = signAuth(privOf('bob'), authDigest(CHAIN, b, bobHello.nonce, a1, aliceHello1.nonce));
  assert.ok(verifyAuth(sig, keyOf('bob'), authDigest(CHAIN, b, bobHello.nonce, a1, aliceHello1.nonce)));
  assert.equal(verifyAuth(sig, keyOf('bob'), authDigest(CHAIN, b, bobHello.nonce, a2, aliceHello2.nonce)), false, 'replay against a new challenge');
  assert.equal(verifyAuth(sig, keyOf('carol'), authDigest(CHAIN, b, bobHello.nonce, a1, aliceHello1.nonce)), false, 'another key');
  assert.equal(verifyAuth(sig, keyOf('bob'), authDigest(OTHER_CHAIN, b, bobHello.nonce, a1, aliceHello1.nonce)), false, 'another chain');
  assert.equal(verifyAuth(sig, keyOf('bob'), authDigest(CHAIN, a1, aliceHello1.nonce, b, bobHello.nonce)), false, 'the other direction');
});

test('verdictFor: races are ignored, faults map to their offence', () => {
  assert.equal(verdictFor('block', undefined), 'accept');
  assert.equal(verdictFor('block', { code: 'CONSENSUS_FORKDB_UNKNOWN_PARENT', message: '' }), 'ignore');
  assert.equal(verdictFor('tx', { code: 'TX_MEMPOOL_CONFLICT', message: '' }), 'ignore');
  const reason = (k: 'tx' | 'block' | 'vote' | 'qc', code: string): string => {
    const v = verdictFor(k, { code, message: 'm' });
    assert.ok(typeof v === 'object');
    return v.reject;
  };
  assert.equal(reason('block', 'CONSENSUS_HEADER_WRONG_PRODUCER'), 'wrong-producer');
  assert.equal(reason('block', 'BLOCK_SLOT_IN_FUTURE'), 'future-block');
  assert.equal(reason('block', 'CONSENSUS_HEADER_BAD_SIGNATURE'), 'invalid-block');
  assert.equal(reason('vote', 'CONSENSUS_FORKDB_UNKNOWN_BLOCK'), 'unknown-block-vote');
  assert.equal(reason('vote', 'CONSENSUS_VOTE_BAD_SIGNATURE'), 'invalid-vote');
  assert.equal(reason('qc', 'CONSENSUS_QC_NO_QUORUM'), 'invalid-qc');
  assert.equal(reason('tx', 'TX_SCRIPT_FAILED'), 'invalid-tx');
});

const P: SyncProgress = { startNum: 0, target: 200, done: 50, total: 200, rate: 100, etaMs: 1500, peers: 2, finished: false };

test('renderProgress: bar, percent, counts, rate and ETA', () => {
  assert.equal(renderProgress(P, 8), '[##······]  25%  50/200 blocks  100 blk/s  ETA 2s');
  assert.match(renderProgress({ ...P, done: 200, finished: true }, 8), /^\[########\] 100%  200\/200 blocks .* done$/);
  assert.match(renderProgress({ ...P, done: 1234, total: 123456 }, 8), /1,234\/123,456/);
});

test('progressReporter: redraws in place on a terminal, logs periodically otherwise', () => {
  let now = 0;
  const tty: string[] = [];
  const onTty = progressReporter({ stream: { write: (s: string) => tty.push(s), isTTY: true, columns: 100 }, now: () => now });
  for (let i = 0; i < 10; i++) {
    onTty({ ...P, done: i });
    now += 30;
  }
  onTty({ ...P, done: 200, finished: true });
  assert.ok(tty.length >= 3 && tty.length <= 5, `throttled redraws, got ${tty.length}`);
  assert.ok(tty.every((s) => s.startsWith('\r\x1b[2K')));
  assert.ok(tty.at(-1)!.endsWith('\n'));
  const log = recordingLogger();
  now = 0;
  const onLog = progressReporter({ stream: { write: () => assert.fail('no terminal output'), isTTY: false }, log, logEveryMs: 1000, now: () => now });
  for (let i = 0; i < 50; i++) {
    onLog({ ...P, done: i });
    now += 100;
  }
  onLog({ ...P, done: 200, finished: true });
  assert.deepEqual(log.lines.map((l) => l.msg), ['sync progress', 'sync progress', 'sync progress', 'sync progress', 'sync progress', 'sync finished']);
});
