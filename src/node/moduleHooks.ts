/**
 * Module index hooks (CC.md B8.7): for each transaction of a connected block, in block order, the
 * `index.connect` hook of every module the transaction dispatched, inside the block's SQLite
 * transaction (a hook that throws aborts the whole block and nothing is written).
 *
 * Which modules a transaction dispatched is known only to its CC session (`touchedModules()` after a
 * successful `finish`). `DispatchRecorder` wraps the CC host the chain layer validates with and
 * remembers, per txid, what block-mode sessions dispatched; the store's connect hook then reads it.
 * Disconnecting needs no hook call of ours: the store restores every key a block wrote from its
 * journal (docs/store.md, "Automatic undo").
 */
import type { Transaction } from 'bitcoinjs-lib';
import { createTxView } from '../cc/host/view.ts';
import type { HostLookups } from '../cc/host/view.ts';
import type { CcHost } from '../cc/host/host.ts';
import type { ModuleRegistry } from '../cc/host/registry.ts';
import type { ValidationContext } from '../cc/host/module.ts';
import { slotStartMs } from '../chain/params.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import { txidKey } from '../chain/state/key.ts';
import type { Coin } from '../chain/state/types.ts';
import type { CcHostAdapter, CcTxContext, CcTxSession } from '../chain/validation/ccAdapter.ts';
import type { BlockHooks } from '../store/types.ts';

/** A CC host adapter that records which modules each block-mode transaction dispatched. */
export class DispatchRecorder implements CcHostAdapter {
  private readonly touched = new Map<string, readonly number[]>();

  constructor(readonly host: CcHost) {}

  beginTransaction(tx: Transaction, spent: readonly Coin[], ctx: CcTxContext): CcTxSession {
    const s = this.host.beginTransaction(tx, spent, ctx);
    if (ctx.mode !== 'block') return s;
    const key = txidKey(ctx.txid);
    const touched = this.touched;
    return {
      hookForInput: (i) => s.hookForInput(i),
      reuseInput: (i, info) => s.reuseInput(i, info),
      finish: () => {
        const r = s.finish();
        if (r.ok) touched.set(key, s.touchedModules());
        return r;
      },
    };
  }

  /** Eval codes the block-mode session of `txid` dispatched (empty when none), and forgets them. */
  take(txid: Uint8Array): readonly number[] {
    const key = txidKey(txid);
    const codes = this.touched.get(key) ?? [];
    this.touched.delete(key);
    return codes;
  }

  /** Forgets everything recorded (before assembling or connecting another block). */
  clear(): void {
    this.touched.clear();
  }
}

/** What the connect hook needs. */
export interface ModuleHookDeps {
  readonly spec: ChainSpec;
  readonly registry: ModuleRegistry;
  readonly recorder: DispatchRecorder;
  /** Confirmed transactions and spenders for the modules' `TxView`. */
  readonly lookups: HostLookups;
}

/** True when some registered module has index hooks (otherwise the store needs no hook at all). */
export function hasIndexHooks(registry: ModuleRegistry): boolean {
  return registry.entries.some((e) => e.module.index !== undefined);
}

/**
 * The store hooks running modules' `index.connect` for a block. Example:
 * `store.connectBlock(delta, moduleIndexHooks({ spec, registry: host.registry, recorder, lookups }))`.
 */
export function moduleIndexHooks(d: ModuleHookDeps): BlockHooks {
  return {
    connect(hctx) {
      const { delta } = hctx;
      const blockTimeMs = slotStartMs(d.spec, delta.block.header.slot);
      const view = createTxView({ view: hctx.view, pendingTx: () => undefined }, d.lookups);
      delta.block.txs.forEach((tx, i) => {
        const txid = delta.txids[i]!;
        for (const code of d.recorder.take(txid)) {
          const entry = d.registry.get(code);
          const hooks = entry?.module.index;
          if (entry === undefined || hooks === undefined) continue;
          const store = hctx.moduleIndex(entry.module.name);
          const ctx: ValidationContext = {
            mode: 'block',
            height: delta.height,
            blockTime: Math.floor(blockTimeMs / 1000),
            blockTimeMs,
            chain: d.spec,
            params: entry.params,
            txid: txid.slice(),
            view,
            index: store,
          };
          hooks.connect(tx, ctx, store);
        }
      });
    },
  };
}
