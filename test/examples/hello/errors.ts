/**
 * Rejection codes of the example `hello` module (eval 0x70). The host reports them as
 * `hello/<CODE>` (CC.md B8.6); every code a verdict uses must be a key here.
 */
export const HELLO_ERRORS = {
  /** An output's tail is not `H ‖ owner(33) ‖ count(u32)`. */
  BAD_TAIL: 'the output tail is not kind H with a 33-byte owner and a u32 count',
  /** An output's condition is not cc1of1(0x70, owner) for the owner its tail names (M0). */
  BAD_CONDITION: 'the output condition does not match the owner in its tail',
  /** A new counter (count 0) holds less than 10,000 satoshis. */
  DUST: 'a new counter must hold at least 10000 satoshis',
  /** A counter with count > 0 is created without spending a counter (M2). */
  ORPHAN_COUNTER: 'a counter above zero can only continue a spent counter',
  /** A bump spends more than one counter. */
  ONE_COUNTER: 'a bump spends exactly one counter',
  /** The bump has no valid `B` opret in its last output. */
  BAD_OPRET: 'the last output must be the bump opret (funcid B: u32 count, string note <= 64 bytes)',
  /** The bump does not recreate exactly one counter at output 0. */
  SHAPE: 'a bump recreates exactly one counter, at output 0',
  /** The recreated counter names another owner. */
  OWNER_CHANGED: 'a bump keeps the owner',
  /** The recreated counter's count is not the spent count + 1. */
  BAD_COUNT: 'a bump adds exactly one to the count',
  /** The opret's count differs from the new counter's. */
  OPRET_MISMATCH: 'the opret count must equal the new count',
  /** The recreated counter's value differs from the spent one. */
  VALUE: 'a bump keeps the counter value',
} as const;

/** A `hello` rejection code. */
export type HelloError = keyof typeof HELLO_ERRORS;
