/**
 * Calling a module safely (CC.md B8.6): a thrown exception becomes CC_MODULE_THREW, a malformed
 * verdict or an undeclared code CC_MODULE_RESULT, a rejection `<name>/<CODE>` with its input index.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { CcHostErrorCode, type CcHostRejection } from './errors.ts';
import type { CCInput, CCOutput, ValidationContext } from './module.ts';
import type { RegisteredModule } from './registry.ts';

/** Which module hook ran. */
export type ModuleHookName = 'validate' | 'validateOutputs';

/** What the host reports when a module throws (the node logs it with the stack). */
export interface ModuleFault {
  readonly module: string;
  readonly evalCode: number;
  readonly hook: ModuleHookName;
  readonly error: unknown;
}

/**
 * Calls a module hook (`validateOutputs(tx, outputs, ctx)` or `validate(tx, inputs, outputs, ctx)`) and
 * turns its outcome into `undefined` (accepted) or a rejection. A rejection's `input` must be an input
 * index of `tx`. `onFault` hears about exceptions; its own failures are ignored.
 */
export function runModuleHook(
  entry: RegisteredModule,
  hook: ModuleHookName,
  tx: Transaction,
  inputs: readonly CCInput[],
  outputs: readonly CCOutput[],
  ctx: ValidationContext,
  onFault?: (f: ModuleFault) => void,
): CcHostRejection | undefined {
  const m = entry.module;
  let verdict: unknown;
  try {
    verdict = hook === 'validate' ? m.validate(tx, inputs, outputs, ctx) : m.validateOutputs!(tx, outputs, ctx);
  } catch (e) {
    if (onFault !== undefined) {
      try {
        onFault({ module: m.name, evalCode: entry.evalCode, hook, error: e });
      } catch {
        // A failing logger must not change the verdict.
      }
    }
    return { code: CcHostErrorCode.MODULE_THREW, rule: 'B8.6', message: `B8.6: module ${m.name} threw in ${hook}: ${safeString(e)}`, module: m.name, evalCode: entry.evalCode };
  }
  try {
    return readVerdict(entry, hook, tx.ins.length, verdict);
  } catch (e) {
    // A verdict whose getters throw is malformed.
    return malformed(entry, hook, `unreadable: ${safeString(e)}`);
  }
}

function malformed(entry: RegisteredModule, hook: ModuleHookName, why: string): CcHostRejection {
  const name = entry.module.name;
  return { code: CcHostErrorCode.MODULE_RESULT, rule: 'B8.6', message: `B8.6: module ${name} ${hook} returned a malformed verdict: ${why}`, module: name, evalCode: entry.evalCode };
}

function readVerdict(entry: RegisteredModule, hook: ModuleHookName, nInputs: number, v: unknown): CcHostRejection | undefined {
  if (v === null || typeof v !== 'object') return malformed(entry, hook, `expected { ok: ... }, got ${v === null ? 'null' : typeof v}`);
  const o = v as { ok?: unknown; code?: unknown; message?: unknown; input?: unknown };
  if (o.ok === true) return undefined;
  if (o.ok !== false) return malformed(entry, hook, 'ok must be true or false');
  const code = o.code;
  if (typeof code !== 'string' || !Object.prototype.hasOwnProperty.call(entry.module.errors, code)) {
    return malformed(entry, hook, `code ${typeof code === 'string' ? JSON.stringify(code) : typeof code} is not declared in the module's errors`);
  }
  if (typeof o.message !== 'string') return malformed(entry, hook, 'a rejection needs a message string');
  const input = o.input;
  if (input !== undefined && (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input >= nInputs)) {
    return malformed(entry, hook, `input ${String(input)} is not an input index of the transaction`);
  }
  const name = entry.module.name;
  return { code: `${name}/${code}`, message: o.message, module: name, evalCode: entry.evalCode, ...(input !== undefined ? { input } : {}) };
}

/** `String(e)` that never throws. */
function safeString(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`;
    return String(e);
  } catch {
    return '(unprintable exception)';
  }
}
