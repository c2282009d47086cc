/**
 * A small harness for module tests: chain parameters with a module list, a host, and `runTx`, which
 * validates one transaction the way chain validation does (every input through `verifyScript` with
 * the session's hook, then `finish()`), without a chain or a store.
 */
import type { Transaction } from 'bitcoinjs-lib';
import { createCcHost, DEFAULT_ALLOWED_TYPES, unwrap, type CcHost, type CcHostConfig, type CcSession, type HostChainParams, type HostCoin, type Module } from '../../src/cc/index.ts';
import { TransactionSignatureChecker } from '../../src/script/checker.ts';
import { matchCcTemplate } from '../../src/script/cc.ts';
import { SCRIPT_VERIFY_CRYPTOCONDITIONS, STANDARD_SCRIPT_VERIFY_FLAGS } from '../../src/script/flags.ts';
import { verifyScript } from '../../src/script/interpreter.ts';

/** Script flags of the harness: Core's standard set plus the CC flag. */
export const HARNESS_FLAGS = STANDARD_SCRIPT_VERIFY_FLAGS | SCRIPT_VERIFY_CRYPTOCONDITIONS;

/** Chain parameters enabling `modules` (each active from `activationHeight`, default 0), prefix 60. */
export function chainWith(
  modules: readonly { readonly name: string; readonly evalCode: number; readonly version?: number; readonly activationHeight?: number }[],
  allowedTypes = DEFAULT_ALLOWED_TYPES,
): HostChainParams {
  return {
    name: 'harness',
    prefixes: { pubKeyHash: 60, scriptHash: 85, wif: 188 },
    cc: {
      enabled: true,
      activationHeight: 0,
      allowedTypes,
      modules: modules.map((m) => ({ name: m.name, evalCode: m.evalCode, version: m.version ?? 1, activationHeight: m.activationHeight ?? 0, params: {} })),
    },
  };
}

/** A host for `modules`, each listed by the chain at its own code and version. */
export function hostFor(modules: readonly Module[], extra: Partial<CcHostConfig> & { allowedTypes?: number; activation?: Record<string, number> } = {}): CcHost {
  const chain = chainWith(
    modules.map((m) => ({ name: m.name, evalCode: m.evalCode, version: m.version, activationHeight: extra.activation?.[m.name] ?? 0 })),
    extra.allowedTypes,
  );
  return unwrap(createCcHost({ ...extra, chain, modules }));
}

/** How a transaction fared: accepted (with its session), or the failing stage, code and input/output. */
export type TxOutcome =
  | { readonly ok: true; readonly session: CcSession }
  | { readonly ok: false; readonly stage: 'script' | 'finish'; readonly code: string; readonly message: string; readonly input?: number; readonly output?: number };

/** Options of `runTx`. */
export interface RunOptions {
  readonly height?: number;
  readonly mode?: 'block' | 'mempool';
  readonly flags?: number;
  /** Coins the modules' view shows (default: the spent coins, by outpoint). */
  readonly coins?: ReadonlyMap<string, HostCoin>;
  readonly pendingTx?: (txid: Uint8Array) => Transaction | undefined;
}

const key = (txid: Uint8Array, vout: number): string => `${Buffer.from(txid).toString('hex')}:${vout}`;

/**
 * Validates `tx` spending `spent` (aligned with `tx.ins`; empty for a coinbase): CC inputs through
 * `verifyScript` with the session hook (other inputs through `verifyScript` alone), then `finish()`.
 */
export function runTx(host: CcHost, tx: Transaction, spent: readonly HostCoin[], o: RunOptions = {}): TxOutcome {
  const flags = o.flags ?? HARNESS_FLAGS;
  const coins = new Map<string, HostCoin>(o.coins ?? []);
  if (o.coins === undefined) spent.forEach((c, i) => coins.set(key(tx.ins[i]!.hash, tx.ins[i]!.index), c));
  const session = host.beginTransaction(tx, spent, {
    mode: o.mode ?? 'block',
    height: o.height ?? 1,
    blockTimeMs: 1_735_689_600_000,
    spec: host.chain,
    flags,
    txid: Uint8Array.from(tx.getHash()),
    view: { getCoin: (op) => coins.get(key(op.txid, op.vout)) },
    pendingTx: o.pendingTx ?? (() => undefined),
  });
  for (let i = 0; i < spent.length; i++) {
    const cc = matchCcTemplate(spent[i]!.script) !== null;
    const r = verifyScript(tx.ins[i]!.script, spent[i]!.script, flags, new TransactionSignatureChecker(tx, i), cc ? { ccHook: session.hookForInput(i) } : {});
    if (!r.ok) return { ok: false, stage: 'script', code: r.error, message: r.message, input: i };
  }
  const f = session.finish();
  if (!f.ok) {
    const e = f.error;
    return {
      ok: false,
      stage: 'finish',
      code: e.code,
      message: e.message,
      ...(e.input !== undefined ? { input: e.input } : {}),
      ...(e.output !== undefined ? { output: e.output } : {}),
    };
  }
  return { ok: true, session };
}
