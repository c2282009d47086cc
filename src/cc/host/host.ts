/**
 * The CC host (CC.md Part B): built once at start-up from the chain parameters and the modules the
 * node has, it hands chain validation one `CcSession` per transaction (the chain's `CcHostAdapter`).
 */
import type { Transaction } from 'bitcoinjs-lib';
import type { CryptoConditionsHook } from '../../script/cc.ts';
import { CchostError, ok, type Result } from '../../util/errors.ts';
import type { ModuleFault } from './dispatch.ts';
import { CcHostErrorCode, hostFail, type CcHostError } from './errors.ts';
import { createSpendHook } from './hook.ts';
import type { Module, ModuleIndexReader } from './module.ts';
import { createModuleRegistry, type ModuleRegistry } from './registry.ts';
import { CcSession } from './session.ts';
import type { HostChainParams, HostCoin, HostTxContext } from './types.ts';
import type { HostLookups } from './view.ts';

/** How to build a host. */
export interface CcHostConfig extends HostLookups {
  /** The chain's parameters (`ChainSpec`): prefixes, `cc.allowedTypes`, `cc.modules`. */
  readonly chain: HostChainParams;
  /** The modules this node has; the chain's list picks among them by name. */
  readonly modules: readonly Module[];
  /** A module's own index as of the previous block (default: empty). Called once per module call. */
  readonly index?: (moduleName: string) => ModuleIndexReader;
  /** Hears about module exceptions, to log them with their stack; never changes a verdict. */
  readonly onModuleFault?: (f: ModuleFault) => void;
}

/** The host. Structurally a chain `CcHostAdapter`. */
export interface CcHost {
  readonly chain: HostChainParams;
  readonly registry: ModuleRegistry;
  /** Starts validating `tx`; `spent[i]` is the coin input i spends (empty for a coinbase). */
  beginTransaction(tx: Transaction, spent: readonly HostCoin[], ctx: HostTxContext): CcSession;
  /** A stand-alone B4 hook at `height` (no module dispatch), e.g. for tools and benchmarks. */
  spendHook(height: number): CryptoConditionsHook;
}

/**
 * Builds the host. Errors: the registry's (CC_REGISTRY_UNKNOWN, CC_REGISTRY_VERSION,
 * CC_REGISTRY_EVAL_CODE, CC_REGISTRY_DUPLICATE, CC_REGISTRY_INVALID): the node must refuse to start.
 * Example: `const host = unwrap(createCcHost({ chain: spec, modules: [faucet] }))`, then pass `host`
 * as the chain's `ccHost`.
 */
export function createCcHost(config: CcHostConfig): Result<CcHost, CcHostError> {
  const chain = config.chain;
  if (chain === null || typeof chain !== 'object' || chain.cc === null || typeof chain.cc !== 'object') {
    return hostFail(CcHostErrorCode.REGISTRY_INVALID, 'B8.1', 'the chain parameters have no cc section');
  }
  if (!Number.isInteger(chain.cc.allowedTypes) || chain.cc.allowedTypes < 0) {
    return hostFail(CcHostErrorCode.REGISTRY_INVALID, 'B6.1', `allowedTypes must be a type mask, got ${String(chain.cc.allowedTypes)}`);
  }
  const reg = createModuleRegistry(chain.cc.modules, config.modules);
  if (!reg.ok) return reg;
  const registry = reg.value;
  const core = {
    chain,
    registry,
    index: config.index,
    onModuleFault: config.onModuleFault,
    confirmedTx: config.confirmedTx,
    spender: config.spender,
    issuer: {},
  };
  const seen = new WeakSet<object>([chain]);
  return ok(
    Object.freeze({
      chain,
      registry,
      beginTransaction(tx: Transaction, spent: readonly HostCoin[], ctx: HostTxContext): CcSession {
        if (!seen.has(ctx.spec)) {
          if (!sameCcPolicy(chain, ctx.spec)) {
            throw new CchostError(CcHostErrorCode.HOST_ERROR, 'B8.1: this CC host was built for another chain (cc section differs)');
          }
          seen.add(ctx.spec);
        }
        return new CcSession(core, tx, spent, ctx);
      },
      spendHook(height: number): CryptoConditionsHook {
        return createSpendHook({ allowedTypes: chain.cc.allowedTypes, height, registry });
      },
    }),
  );
}

/** True when two chain parameter objects have the same CC policy and module list. */
function sameCcPolicy(a: HostChainParams, b: HostChainParams): boolean {
  const x = a.cc;
  const y = b?.cc;
  if (y === undefined || x.enabled !== y.enabled || x.activationHeight !== y.activationHeight || x.allowedTypes !== y.allowedTypes) return false;
  if (x.modules.length !== y.modules.length) return false;
  return x.modules.every((m, i) => {
    const n = y.modules[i]!;
    return m.name === n.name && m.evalCode === n.evalCode && m.version === n.version && m.activationHeight === n.activationHeight;
  });
}
