/**
 * `hello`, the example Custom Consensus module of docs/cc.md and MODULES.md §8: one counter output per
 * owner (tail `H ‖ owner ‖ count`, condition cc1of1(0x70, owner)); a bump spends it and recreates it
 * with count + 1, carrying the opret `70 'B' count note`. List it in the chain as
 * `{ evalCode: 0x70, name: 'hello', version: 1, activationHeight }`.
 */
import type { Module } from '../../../src/cc/index.ts';
import { HELLO_ERRORS } from './errors.ts';
import { HELLO_EVAL } from './opret.ts';
import { validate, validateOutputs } from './validate.ts';

export { HELLO_ERRORS } from './errors.ts';
export { HELLO_EVAL, HELLO_OPRET, KIND_COUNTER, MIN_COUNTER_VALUE, decodeCounterTail, encodeCounterTail, type CounterTail } from './opret.ts';

/** The module object. */
export const helloModule: Module = Object.freeze({
  name: 'hello',
  evalCode: HELLO_EVAL,
  version: 1,
  description: 'Example module: a per-owner counter bumped by its owner',
  errors: HELLO_ERRORS,
  validate,
  validateOutputs,
  rpc: [],
});
