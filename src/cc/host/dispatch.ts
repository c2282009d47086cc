/**
 * Calling a module safely (CC.md B8.6): a thrown exception becomes CC_MODULE_THREW, a malformed
 * verdict or an undeclared code CC_MODULE_RESULT, a rejection `<name>/<CODE>` with its input index.
 */
import { CcHostErrorCode, type CcHostRejection } from './errors.ts';
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
 * Calls `call` (a module hook) and turns its outcome into `undefined` (accepted) or a rejection.
 * `nInputs` bounds a rejection's `input`. `onFault` hears about exceptions; its own failures are ignored.
 */
export function runModuleHook(
  entry: RegisteredModule,
  hook: ModuleHookName,
  nInputs: number,
  call: () => unknown,
  onFault?: (f: ModuleFault) => void,
): CcHostRejection | undefined {
  const name = entry.module.name;
  const base = { module: name, evalCode: entry.evalCode };
  let verdict: unknown;
  try {
    verdict = call();
  } catch (e) {
    if (onFault !== undefined) {
      try {
        onFault({ module: name, evalCode: entry.evalCode, hook, error: e });
      } catch {
        // A failing logger must not change the verdict.
      }
    }
    return { code: CcHostErrorCode.MODULE_THREW, rule: 'B8.6', message: `B8.6: module ${name} threw in ${hook}: ${safeString(e)}`, ...base };
  }
  try {
    return readVerdict(entry, hook, nInputs, verdict);
  } catch (e) {
    // A verdict whose getters throw is malformed.
    return { code: CcHostErrorCode.MODULE_RESULT, rule: 'B8.6', message: `B8.6: module ${name} ${hook} returned an unreadable verdict: ${safeString(e)}`, ...base };
  }
}

function readVerdict(entry: RegisteredModule, hook: ModuleHookName, nInputs: number, v: unknown): CcHostRejection | undefined {
  const name = entry.module.name;
  const base = { module: name, evalCode: entry.evalCode };
  const malformed = (why: string): CcHostRejection => ({
    code: CcHostErrorCode.MODULE_RESULT,
    rule: 'B8.6',
    message: `B8.6: module ${name} ${hook} returned a malformed verdict: ${why}`,
    ...base,
  });
  if (v === null || typeof v !== 'object') return malformed(`expected { ok: ... }, got ${v === null ? 'null' : typeof v}`);
  const o = v as { ok?: unknown; code?: unknown; message?: unknown; input?: unknown };
  if (o.ok === true) return undefined;
  if (o.ok !== false) return malformed('ok must be true or false');
  const code = o.code;
  if (typeof code !== 'string' || !Object.prototype.hasOwnProperty.call(entry.module.errors, code)) {
    return malformed(`code ${typeof code === 'string' ? JSON.stringify(code) : typeof code} is not declared in the module's errors`);
  }
  if (typeof o.message !== 'string') return malformed('a rejection needs a message string');
  const input = o.input;
  if (input !== undefined && (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input >= nInputs)) {
    return malformed(`input ${String(input)} is not an input index of the transaction`);
  }
  const r: CcHostRejection = { code: `${name}/${code}`, message: o.message, ...base, ...(input !== undefined ? { input } : {}) };
  return r;
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
