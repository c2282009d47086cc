/**
 * The producer election (§5.8): the top `maxProducers` candidates by weight that are registered,
 * ready and not on standby, sorted by name, proposed as the next schedule version when the set
 * differs from every schedule the chain already has (active, pending, proposed). Ties in weight go
 * to the smaller name. Pure: candidates and weights come from the system module's state.
 */
import type { Schedule, ScheduleEntry } from '../chain/block/types.ts';
import { sameMembers } from './schedule.ts';
import type { HeaderState } from './types.ts';

/** A registered producer candidate. */
export interface Candidate {
  readonly name: string;
  readonly key: Uint8Array;
  /** Total vote weight (see `voteWeight`). */
  readonly weight: bigint;
  /** Signed a recent "ready" heartbeat. */
  readonly ready: boolean;
}

/**
 * The schedule the election proposes on top of `state`, or undefined when it would not change
 * anything (or fewer than `minProducers` candidates qualify).
 * Example: `const s = elect(candidates, head.state, 21, 4); if (s) header.newSchedule = s`.
 */
export function elect(candidates: readonly Candidate[], state: HeaderState, maxProducers: number, minProducers: number): Schedule | undefined {
  const standby = new Set(state.standby.map((s) => s.name));
  const eligible = candidates.filter((c) => c.ready && !standby.has(c.name));
  eligible.sort((a, b) => (a.weight > b.weight ? -1 : a.weight < b.weight ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const chosen: ScheduleEntry[] = eligible.slice(0, maxProducers).map((c) => ({ name: c.name, key: c.key }));
  if (chosen.length < minProducers) return undefined;
  chosen.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const next: Schedule = { version: state.highestVersion + 1, producers: chosen };
  const existing = [state.active, state.pending?.schedule, state.proposed?.schedule];
  if (existing.some((s) => s !== undefined && sameMembers(s, next))) return undefined;
  return next;
}
