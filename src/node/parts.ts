/**
 * The parts of a node that the producers, the consensus engine and a networked node run on (built by
 * `createNode`, passed on by spreading: `new Producer({ ...parts, key, payTo })`).
 */
import type { Mempool, MempoolContext } from '../chain/mempool/mempool.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import type { ScriptCache } from '../chain/validation/scriptCache.ts';
import type { BlockHooks, Store } from '../store/types.ts';
import type { ChainState } from './chainState.ts';
import type { Logger } from './log.ts';
import type { DispatchRecorder } from './moduleHooks.ts';

/** A node's chain, store, mempool and services. Example: `const parts: NodeParts = { spec, store, chain, ... }`. */
export interface NodeParts {
  readonly spec: ChainSpec;
  readonly store: Store;
  readonly chain: ChainState;
  readonly mempool: Mempool;
  readonly mempoolContext: () => MempoolContext;
  readonly ccHost: DispatchRecorder | undefined;
  readonly scriptCache: ScriptCache;
  /** Store hooks for module indexes (undefined when no module has any). */
  readonly hooks: BlockHooks | undefined;
  readonly log: Logger;
  /** Wall clock, unix ms (tests and `--clock-offset` shift it). */
  readonly now: () => number;
}
