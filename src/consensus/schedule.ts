/**
 * Producer schedules: slot → producer, turns, and the shape rules of a proposed schedule (§5.0, §5.5).
 * producer(slot) = sorted[floor(slot / turnLength) mod n]; the chain layer's `producerForSlot` is the
 * one definition and is re-exported here.
 */
import { MAX_SCHEDULE_PRODUCERS, NAME_RE } from '../chain/params.ts';
import type { Schedule } from '../chain/block/types.ts';
import { toHex } from '../util/bytes.ts';
import { MIN_PROPOSED_PRODUCERS } from './params.ts';

export { producerForSlot } from '../chain/validation/producer.ts';

/** The turn a slot belongs to: floor(slot / turnLength). Example: `turnOf(25, 12) === 2`. */
export function turnOf(slot: number, turnLength: number): number {
  return Math.floor(slot / turnLength);
}

/** True when `slot` is in a later turn than `parentSlot` (a block there is "the first block of a new turn"). */
export function isNewTurn(parentSlot: number, slot: number, turnLength: number): boolean {
  return turnOf(slot, turnLength) > turnOf(parentSlot, turnLength);
}

/** Index of `name` in the schedule, or −1. Example: `memberIndex({version: 1, producers: [a, b]}, b.name) === 1`. */
export function memberIndex(schedule: Schedule, name: string): number {
  const ps = schedule.producers;
  for (let i = 0; i < ps.length; i++) if (ps[i]!.name === name) return i;
  return -1;
}

/**
 * Why a schedule is not acceptable as a proposal, or undefined when it is: names valid, unique and
 * strictly sorted, keys 32 bytes and unique, `minSize ≤ n ≤ MAX_SCHEDULE_PRODUCERS` (§5.5 step 3).
 * Example: `scheduleProblem({version: 2, producers: [b, a, c, d]})` reports the order.
 */
export function scheduleProblem(schedule: Schedule, minSize: number = MIN_PROPOSED_PRODUCERS): string | undefined {
  const ps = schedule.producers;
  if (!Number.isSafeInteger(schedule.version) || schedule.version < 1) return `version ${schedule.version} is not a positive integer`;
  if (ps.length < minSize || ps.length > MAX_SCHEDULE_PRODUCERS) {
    return `a schedule lists ${minSize}..${MAX_SCHEDULE_PRODUCERS} producers, this one ${ps.length}`;
  }
  const keys = new Set<string>();
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    if (!NAME_RE.test(p.name)) return `producer name ${JSON.stringify(p.name)} is not of the form ${String(NAME_RE)}`;
    if (i > 0 && !(ps[i - 1]!.name < p.name)) return `producers must be unique and sorted by name ("${ps[i - 1]!.name}" before "${p.name}")`;
    if (p.key.length !== 32) return `producer ${p.name}'s key is ${p.key.length} bytes, not 32`;
    const k = toHex(p.key);
    if (keys.has(k)) return `producer ${p.name} shares its key with another member`;
    keys.add(k);
  }
  return undefined;
}

/** True when two schedules list the same members with the same keys (versions ignored). */
export function sameMembers(a: Schedule, b: Schedule): boolean {
  if (a.producers.length !== b.producers.length) return false;
  for (let i = 0; i < a.producers.length; i++) {
    const x = a.producers[i]!;
    const y = b.producers[i]!;
    if (x.name !== y.name || toHex(x.key) !== toHex(y.key)) return false;
  }
  return true;
}
