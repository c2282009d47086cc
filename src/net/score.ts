/**
 * Misbehaviour scores and bans. Each offence adds its weight to the peer's score, which halves every
 * `halfLifeMs`; at `banThreshold` the peer's key is banned for `banMs` and disconnected. Each reason
 * is logged once per peer (with the running count in `peers()`), and a ban once, with all counts —
 * a flood of bad messages gives two log lines, not one per message.
 */
import { toHex } from '../util/bytes.ts';
import type { NetLogger } from './log.ts';

/** Offences and their weights (100 = ban at the default threshold). */
export const MISBEHAVIOUR_WEIGHTS = Object.freeze({
  /** A frame or message that does not decode. */
  malformed: 20,
  /** A message over its type's size limit (the connection is also closed). */
  oversized: 50,
  /** A message out of order (data before the handshake, a second hello). */
  protocol: 20,
  /** A message over the per-peer rate limit (dropped). */
  flood: 2,
  /** A block-range response nobody asked for. */
  unsolicited: 10,
  /** A block-range response that does not match the request or does not link up. */
  'bad-range': 25,
  /** A request left unanswered. */
  timeout: 5,
  /** The node rejected a transaction (small: honest peers race on double spends). */
  'invalid-tx': 1,
  /** The node rejected a block (bad signature, bad transactions, bad roots, ...). */
  'invalid-block': 40,
  /** The node rejected a vote (bad signature, not a member, wrong versions). */
  'invalid-vote': 20,
  /** The node rejected a certificate. */
  'invalid-qc': 40,
  /** A vote for a block the node does not know (usually a race; persistent ones are noise). */
  'unknown-block-vote': 1,
  /** A block signed by a producer other than the slot's scheduled one. */
  'wrong-producer': 50,
  /** A block whose slot is beyond the clock tolerance. */
  'future-block': 10,
  /** Two blocks or two votes for one slot from the peer itself. */
  equivocation: 100,
  /** A block or certificate of another chain. */
  'wrong-chain': 100,
});

/** One of the offences. */
export type MisbehaviourReason = keyof typeof MISBEHAVIOUR_WEIGHTS;

/** True when `s` names an offence. */
export function isMisbehaviourReason(s: unknown): s is MisbehaviourReason {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(MISBEHAVIOUR_WEIGHTS, s);
}

/** Scoring settings. */
export interface ScoreSpec {
  /** Score at which a peer is banned. */
  readonly banThreshold: number;
  /** Time for a score to halve. */
  readonly halfLifeMs: number;
  /** Length of a ban. */
  readonly banMs: number;
}

/** Defaults: ban at 100, half-life 10 minutes, bans of 1 hour. */
export const DEFAULT_SCORE_SPEC: ScoreSpec = Object.freeze({ banThreshold: 100, halfLifeMs: 10 * 60_000, banMs: 60 * 60_000 });

interface Entry {
  name: string;
  score: number;
  at: number;
  counts: Map<MisbehaviourReason, number>;
  bannedUntil: number;
}

/** Outcome of recording an offence. */
export interface Offence {
  readonly score: number;
  /** True when this offence crossed the threshold (the caller disconnects the peer). */
  readonly banned: boolean;
  readonly bannedUntil: number;
}

/** A banned peer. */
export interface BanEntry {
  readonly id: string;
  readonly name: string;
  readonly until: number;
  readonly counts: Readonly<Record<string, number>>;
}

/** Scores of all peers, keyed by peer id (the key in hex). Example: `scores.record(id, 'bob', 'malformed')`. */
export class PeerScores {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly spec: ScoreSpec,
    private readonly log: NetLogger,
    private readonly now: () => number,
    private readonly capacity = 4096,
  ) {}

  private entry(id: string, name: string): Entry {
    let e = this.entries.get(id);
    if (e === undefined) {
      e = { name, score: 0, at: this.now(), counts: new Map(), bannedUntil: 0 };
      if (this.entries.size >= this.capacity) this.evictOne();
      this.entries.set(id, e);
    }
    return e;
  }

  private evictOne(): void {
    const t = this.now();
    for (const [id, e] of this.entries) {
      if (e.bannedUntil <= t) {
        this.entries.delete(id);
        return;
      }
    }
    this.entries.delete(this.entries.keys().next().value!);
  }

  private decayed(e: Entry, t: number): number {
    if (e.bannedUntil !== 0 && e.bannedUntil <= t) {
      // a ban ran out: start afresh (and log offences again)
      e.bannedUntil = 0;
      e.score = 0;
      e.counts.clear();
    }
    const dt = t - e.at;
    if (dt > 0) {
      e.score = e.score * Math.pow(0.5, dt / this.spec.halfLifeMs);
      e.at = t;
    }
    return e.score;
  }

  /** Records an offence by peer `id`: logs the first of each reason, bans at the threshold. */
  record(id: string, name: string, reason: MisbehaviourReason, detail?: string): Offence {
    const t = this.now();
    const e = this.entry(id, name);
    this.decayed(e, t);
    const n = (e.counts.get(reason) ?? 0) + 1;
    e.counts.set(reason, n);
    if (e.bannedUntil > t) return { score: e.score, banned: false, bannedUntil: e.bannedUntil };
    e.score += MISBEHAVIOUR_WEIGHTS[reason];
    if (n === 1) this.log.warn('peer misbehaviour', { peer: name, id: id.slice(0, 16), reason, detail, score: Math.round(e.score) });
    if (e.score >= this.spec.banThreshold) {
      e.bannedUntil = t + this.spec.banMs;
      this.log.warn('peer banned', { peer: name, id: id.slice(0, 16), until: new Date(e.bannedUntil).toISOString(), score: Math.round(e.score), offences: this.countsOf(e) });
      return { score: e.score, banned: true, bannedUntil: e.bannedUntil };
    }
    return { score: e.score, banned: false, bannedUntil: 0 };
  }

  /** Bans `id` for `ms` (operator action or a certain offence). */
  ban(id: string, name: string, ms: number, why: string): void {
    const e = this.entry(id, name);
    e.bannedUntil = this.now() + ms;
    this.log.warn('peer banned', { peer: name, id: id.slice(0, 16), until: new Date(e.bannedUntil).toISOString(), why });
  }

  /** Lifts a ban and clears the score. */
  unban(id: string): void {
    this.entries.delete(id);
  }

  /** The current (decayed) score. */
  score(id: string): number {
    const e = this.entries.get(id);
    return e === undefined ? 0 : this.decayed(e, this.now());
  }

  /** Unix ms until which `id` is banned, or 0. */
  bannedUntil(id: string): number {
    const e = this.entries.get(id);
    if (e === undefined) return 0;
    this.decayed(e, this.now());
    return e.bannedUntil;
  }

  /** True while `id` is banned. */
  isBanned(id: string): boolean {
    return this.bannedUntil(id) > this.now();
  }

  /** Offence counts of `id` by reason. */
  counts(id: string): Record<string, number> {
    const e = this.entries.get(id);
    return e === undefined ? {} : this.countsOf(e);
  }

  private countsOf(e: Entry): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [r, n] of e.counts) out[r] = n;
    return out;
  }

  /** Peers banned now. */
  banned(): BanEntry[] {
    const t = this.now();
    const out: BanEntry[] = [];
    for (const [id, e] of this.entries) {
      this.decayed(e, t);
      if (e.bannedUntil > t) out.push({ id, name: e.name, until: e.bannedUntil, counts: this.countsOf(e) });
    }
    return out;
  }
}

/** The peer id of a key: its hex. */
export function peerIdOf(key: Uint8Array): string {
  return toHex(key);
}
