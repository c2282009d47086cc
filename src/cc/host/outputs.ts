/**
 * Creation rules of CC outputs (CC.md B7 C1–C4), consensus while the CC flag is on, coinbase
 * included. C5 (`validateOutputs`) is module dispatch, in session.ts.
 */
import { conditionMask, parseCondition } from '../conditions/index.ts';
import type { CcTemplate } from '../../script/cc.ts';
import { ok, type Result } from '../../util/errors.ts';
import { CcHostErrorCode, hostFail, type CcHostError } from './errors.ts';
import { MAX_ROOT_COST, SIGNER_TYPES_MASK } from './policy.ts';
import type { ModuleRegistry, RegisteredModule } from './registry.ts';
import { parseParamsTail, type ParamsTail } from './tail.ts';

/** A created CC output that passed C1–C4: its tail and, when tailed, the module it names. */
export interface CheckedOutput {
  readonly tail?: ParamsTail | undefined;
  readonly module?: RegisteredModule | undefined;
}

/**
 * Checks one CC template output against C1–C4. Errors (CC_OUTPUT, rule `B7.C1`..`B7.C4`): the
 * condition does not parse as a known type (C1); its types are not allowed or its cost exceeds
 * 8,388,608 (C2); the tail is not `01 ‖ code ‖ data` naming a module active at `height` (C3); no
 * signer type and no `authorizesSpends` tail module (C4).
 */
export function checkCcOutput(
  template: CcTemplate,
  allowedTypes: number,
  registry: Pick<ModuleRegistry, 'active'>,
  height: number,
): Result<CheckedOutput, CcHostError> {
  // C1 (a cost above the bound is reported as C2; the parser knows the root bound too).
  const parsed = parseCondition(template.condition, { limits: { maxRootCost: 0xffffffff } });
  if (!parsed.ok) return hostFail(CcHostErrorCode.OUTPUT, 'B7.C1', `the condition does not parse: ${parsed.error.message}`);
  const cond = parsed.value;
  // C2.
  const mask = conditionMask(cond);
  if ((mask & ~allowedTypes) !== 0) {
    return hostFail(CcHostErrorCode.OUTPUT, 'B7.C2', `the condition uses types outside the allowed set (mask 0x${(mask & ~allowedTypes).toString(16)})`);
  }
  if (cond.cost > MAX_ROOT_COST) return hostFail(CcHostErrorCode.OUTPUT, 'B7.C2', `condition cost ${cond.cost} exceeds ${MAX_ROOT_COST}`);
  // C3.
  let tail: ParamsTail | undefined;
  let module: RegisteredModule | undefined;
  if (template.params !== undefined) {
    const t = parseParamsTail(template.params);
    if (!t.ok) return hostFail(CcHostErrorCode.OUTPUT, 'B7.C3', t.error.message);
    tail = t.value;
    module = registry.active(tail.evalCode, height);
    if (module === undefined) {
      return hostFail(CcHostErrorCode.OUTPUT, 'B7.C3', `the tail names eval code 0x${tail.evalCode.toString(16).padStart(2, '0')}, not a module active at height ${height}`);
    }
  }
  // C4.
  if ((mask & SIGNER_TYPES_MASK) === 0 && module?.module.authorizesSpends !== true) {
    return hostFail(CcHostErrorCode.OUTPUT, 'B7.C4', 'the condition has no secp256k1 or ed25519 node and no tail naming an authorizesSpends module');
  }
  return ok({ tail, module });
}
