/**
 * The consensus rules of the example `hello` module (MODULES.md §8): pure functions of their
 * arguments, no clock, no I/O. Each owner has one counter output; a bump spends it and recreates it
 * with count + 1 and a `B` opret.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { cc1of1, ccCondition, decodeCcOutput, decodeLastOpret, equalBytes, type CCInput, type CCOutput, type ValidationContext, type Verdict } from '../../../src/cc/index.ts';
import type { HelloError } from './errors.ts';
import { HELLO_EVAL, HELLO_OPRET, MAX_NOTE, MIN_COUNTER_VALUE, decodeCounterTail } from './opret.ts';

const OK: Verdict = { ok: true };
const reject = (code: HelloError, message: string, input?: number): Verdict => ({ ok: false, code, message, ...(input !== undefined ? { input } : {}) });

/** C5: every counter created must match its tail; count 0 needs a deposit, count > 0 a spent counter. */
export function validateOutputs(tx: Transaction, outputs: readonly CCOutput[], ctx: ValidationContext): Verdict {
  for (const o of outputs) {
    const t = decodeCounterTail(o.tail.data);
    if (t === undefined) return reject('BAD_TAIL', `output ${o.index}: tail is not a counter`);
    if (!equalBytes(o.condition, ccCondition(cc1of1(HELLO_EVAL, t.owner)))) return reject('BAD_CONDITION', `output ${o.index}: condition is not the owner's 1-of-1`);
    if (t.count === 0) {
      if (o.value < MIN_COUNTER_VALUE) return reject('DUST', `output ${o.index}: ${o.value} < ${MIN_COUNTER_VALUE}`);
    } else if (!spendsCounter(tx, ctx)) {
      return reject('ORPHAN_COUNTER', `output ${o.index}: count ${t.count} without a spent counter`);
    }
  }
  return OK;
}

/** True when an input of `tx` spends an output tailed for this module (read through the view, M3 "via view"). */
function spendsCounter(tx: Transaction, ctx: ValidationContext): boolean {
  return tx.ins.some((i) => {
    const coin = ctx.view.getUtxo(i.hash, i.index);
    if (coin === undefined) return false;
    const d = decodeCcOutput(coin.script);
    return d.ok && d.value.kind === 'cc' && d.value.tail?.evalCode === HELLO_EVAL;
  });
}

/** A bump: one counter in, the same owner and value out at output 0 with count + 1, and the opret. */
export function validate(tx: Transaction, inputs: readonly CCInput[], outputs: readonly CCOutput[], _ctx: ValidationContext): Verdict {
  if (inputs.length !== 1) return reject('ONE_COUNTER', `${inputs.length} counters spent`);
  const input = inputs[0]!;
  const prev = input.spent.tail !== undefined ? decodeCounterTail(input.spent.tail.data) : undefined;
  if (prev === undefined) return reject('BAD_TAIL', 'the spent output is not a counter', input.index);
  const op = decodeLastOpret(HELLO_OPRET, tx);
  if (!op.ok || op.value.funcid !== 'B') return reject('BAD_OPRET', op.ok ? `funcid ${op.value.funcid}` : op.error.message);
  const note = op.value.fields['note'] as string;
  if (new TextEncoder().encode(note).length > MAX_NOTE) return reject('BAD_OPRET', 'note longer than 64 bytes');
  if (outputs.length !== 1 || outputs[0]!.index !== 0) return reject('SHAPE', `${outputs.length} counters created`);
  const out = outputs[0]!;
  const next = decodeCounterTail(out.tail.data);
  if (next === undefined) return reject('BAD_TAIL', 'output 0 is not a counter');
  if (!equalBytes(next.owner, prev.owner)) return reject('OWNER_CHANGED', 'the owner changed', input.index);
  if (next.count !== prev.count + 1) return reject('BAD_COUNT', `count ${prev.count} -> ${next.count}`, input.index);
  if (op.value.fields['count'] !== next.count) return reject('OPRET_MISMATCH', `opret count ${String(op.value.fields['count'])} != ${next.count}`);
  if (out.value !== input.spent.value) return reject('VALUE', `value ${input.spent.value} -> ${out.value}`, input.index);
  return OK;
}
