/**
 * The module registry (CC.md B8.1): keyed by eval code, built once at start-up from the chain's
 * module list and the modules this node has. A listed module that is missing, has another version or
 * another eval code makes the node refuse to start; nothing loads at run time.
 */
import { ok, type Result } from '../../util/errors.ts';
import { CcHostErrorCode, hostFail, type CcHostError } from './errors.ts';
import type { Module } from './module.ts';
import type { HostModuleSpec } from './types.ts';

/** Module error codes: an upper-case letter, then 2..47 of upper-case letters, digits and `_` (B8.2). */
export const MODULE_ERROR_CODE = /^[A-Z][A-Z0-9_]{2,47}$/;
/** Module names (as chain specs allow them): a lower-case letter, then up to 31 lower-case letters, digits, `.`, `_` or `-`. */
export const MODULE_NAME = /^[a-z][a-z0-9._-]{0,31}$/;

/** One registered module with the chain's entry for it. */
export interface RegisteredModule {
  readonly module: Module;
  readonly evalCode: number;
  readonly activationHeight: number;
  /** The chain's `params` for the module (`{}` when none). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** The registry: lookups by eval code, active or not at a height. */
export interface ModuleRegistry {
  /** The registered module with this eval code, whatever the height. */
  get(evalCode: number): RegisteredModule | undefined;
  /** The module with this eval code when it is registered and active at `height` (B4 step 8, B7 C3). */
  active(evalCode: number, height: number): RegisteredModule | undefined;
  /** Every registered module, ascending eval code. */
  readonly entries: readonly RegisteredModule[];
}

const EMPTY_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Builds the registry from the chain's `cc.modules` and the modules available to the node (matched
 * by name). Errors: CC_REGISTRY_UNKNOWN (listed, not available), CC_REGISTRY_VERSION,
 * CC_REGISTRY_EVAL_CODE, CC_REGISTRY_DUPLICATE, CC_REGISTRY_INVALID (malformed entry or module).
 * Available modules the chain does not list are ignored.
 * Example: `createModuleRegistry(spec.cc.modules, [faucet, oracles])`.
 */
export function createModuleRegistry(listed: readonly HostModuleSpec[], available: readonly Module[]): Result<ModuleRegistry, CcHostError> {
  const byName = new Map<string, Module>();
  for (const m of available) {
    const bad = moduleShapeError(m);
    if (bad !== undefined) return hostFail(CcHostErrorCode.REGISTRY_INVALID, 'B8.2', bad);
    if (byName.has(m.name)) return hostFail(CcHostErrorCode.REGISTRY_DUPLICATE, 'B8.1', `two available modules are named "${m.name}"`);
    byName.set(m.name, m);
  }
  const table: (RegisteredModule | undefined)[] = new Array<RegisteredModule | undefined>(256).fill(undefined);
  const names = new Set<string>();
  for (const s of listed) {
    if (s === null || typeof s !== 'object' || typeof s.name !== 'string' || !isEvalCode(s.evalCode)) {
      return hostFail(CcHostErrorCode.REGISTRY_INVALID, 'B8.1', `a chain module entry needs a name and an eval code 1..255: ${describe(s)}`);
    }
    if (!Number.isSafeInteger(s.version) || !Number.isSafeInteger(s.activationHeight) || s.activationHeight < 0) {
      return hostFail(CcHostErrorCode.REGISTRY_INVALID, 'B8.1', `chain module "${s.name}" needs an integer version and activation height`);
    }
    if (table[s.evalCode] !== undefined) {
      return hostFail(CcHostErrorCode.REGISTRY_DUPLICATE, 'B8.1', `eval code ${hexCode(s.evalCode)} is listed twice`);
    }
    if (names.has(s.name)) return hostFail(CcHostErrorCode.REGISTRY_DUPLICATE, 'B8.1', `module "${s.name}" is listed twice`);
    const m = byName.get(s.name);
    if (m === undefined) {
      return hostFail(CcHostErrorCode.REGISTRY_UNKNOWN, 'B8.1', `the chain enables module "${s.name}" (${hexCode(s.evalCode)}) but this node does not have it`);
    }
    if (m.evalCode !== s.evalCode) {
      return hostFail(CcHostErrorCode.REGISTRY_EVAL_CODE, 'B8.1', `module "${s.name}" has eval code ${hexCode(m.evalCode)} but the chain lists ${hexCode(s.evalCode)}`);
    }
    if (m.version !== s.version) {
      return hostFail(CcHostErrorCode.REGISTRY_VERSION, 'B8.1', `the chain needs module "${s.name}" version ${s.version}, this node has version ${m.version}`);
    }
    names.add(s.name);
    table[s.evalCode] = Object.freeze({
      module: m,
      evalCode: s.evalCode,
      activationHeight: s.activationHeight,
      params: s.params ?? EMPTY_PARAMS,
    });
  }
  const entries = Object.freeze(table.filter((e): e is RegisteredModule => e !== undefined));
  return ok(
    Object.freeze({
      entries,
      get: (evalCode: number) => (isEvalCode(evalCode) ? table[evalCode] : undefined),
      active: (evalCode: number, height: number) => {
        const e = isEvalCode(evalCode) ? table[evalCode] : undefined;
        return e !== undefined && height >= e.activationHeight ? e : undefined;
      },
    }),
  );
}

/** Why a module object is malformed, or undefined when it is well formed (B8.2). */
export function moduleShapeError(m: unknown): string | undefined {
  if (m === null || typeof m !== 'object') return 'a module must be an object';
  const o = m as Partial<Record<keyof Module, unknown>>;
  if (typeof o.name !== 'string' || !MODULE_NAME.test(o.name)) return `module name ${JSON.stringify(o.name)} must match ${MODULE_NAME.source}`;
  const n = o.name;
  if (!isEvalCode(o.evalCode)) return `module "${n}": eval code must be an integer 1..255`;
  if (!Number.isSafeInteger(o.version) || (o.version as number) < 1) return `module "${n}": version must be an integer ≥ 1`;
  if (typeof o.description !== 'string') return `module "${n}": description must be a string`;
  if (o.authorizesSpends !== undefined && typeof o.authorizesSpends !== 'boolean') return `module "${n}": authorizesSpends must be a boolean`;
  if (o.errors === null || typeof o.errors !== 'object') return `module "${n}": errors must be an object of CODE -> description`;
  for (const [code, text] of Object.entries(o.errors as object)) {
    if (!MODULE_ERROR_CODE.test(code)) return `module "${n}": error code "${code}" must match ${MODULE_ERROR_CODE.source}`;
    if (typeof text !== 'string') return `module "${n}": error ${code} needs a description string`;
  }
  if (typeof o.validate !== 'function') return `module "${n}": validate must be a function`;
  if (o.validateOutputs !== undefined && typeof o.validateOutputs !== 'function') return `module "${n}": validateOutputs must be a function`;
  if (o.index !== undefined) {
    const ix = o.index as { connect?: unknown; disconnect?: unknown } | null;
    if (ix === null || typeof ix !== 'object' || typeof ix.connect !== 'function' || typeof ix.disconnect !== 'function') {
      return `module "${n}": index needs connect and disconnect functions`;
    }
  }
  if (!Array.isArray(o.rpc)) return `module "${n}": rpc must be an array of method declarations`;
  return undefined;
}

function isEvalCode(c: unknown): c is number {
  return typeof c === 'number' && Number.isInteger(c) && c >= 1 && c <= 255;
}

function hexCode(c: number): string {
  return `0x${c.toString(16).padStart(2, '0')}`;
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
