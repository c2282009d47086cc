/**
 * Who may produce a slot (CONSENSUS.md §5.0): producer(slot) = sorted[floor(slot / turnLength) mod n],
 * the schedule's members sorted by name, each holding `turnLength` consecutive slots. A small pure
 * function so the consensus layer can pass its own (pending schedules, demotions) through
 * `HeaderContext.scheduledProducer`.
 */
import type { Schedule, ScheduleEntry } from '../block/types.ts';

function sortedByName(producers: readonly ScheduleEntry[]): readonly ScheduleEntry[] {
  for (let i = 1; i < producers.length; i++) {
    if (!(producers[i - 1]!.name < producers[i]!.name)) return [...producers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return producers;
}

/**
 * The producer scheduled for `slot`. Throws `RangeError` for an empty schedule, a negative or
 * non-integer slot, or a turn length below 1.
 * Example: with producers [alice, bob] and turnLength 12, slots 0–11 are alice's, 12–23 bob's, 24 alice's.
 */
export function producerForSlot(schedule: Schedule, slot: number, turnLength: number): ScheduleEntry {
  const n = schedule.producers.length;
  if (n === 0) throw new RangeError('the schedule has no producers');
  if (!Number.isSafeInteger(slot) || slot < 0) throw new RangeError(`slot must be a non-negative integer, got ${slot}`);
  if (!Number.isSafeInteger(turnLength) || turnLength < 1) throw new RangeError(`turnLength must be a positive integer, got ${turnLength}`);
  return sortedByName(schedule.producers)[Math.floor(slot / turnLength) % n]!;
}
