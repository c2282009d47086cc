/**
 * One transaction's CC session (the chain's `CcTxSession`): the per-input hooks record what each
 * accepted CC spend dispatches (B4), `reuseInput` takes such a record back from the script cache, and
 * `finish` applies the output rules (B7 C1–C4) and dispatches the modules once per (transaction,
 * module) in ascending eval code, `validateOutputs` then `validate` (B7 C5, B8.3).
 */
import type { Transaction } from 'bitcoinjs-lib';
import { matchCcTemplate, type CcSpendRequest, type CcSpendResult, type CryptoConditionsHook } from '../../script/cc.ts';
import { SCRIPT_VERIFY_CRYPTOCONDITIONS } from '../../script/flags.ts';
import { equalBytes } from '../../util/bytes.ts';
import type { Result } from '../../util/errors.ts';
import { runModuleHook, type ModuleFault } from './dispatch.ts';
import { CcHostErrorCode, type CcHostRejection } from './errors.ts';
import { checkCcSpend, type CcSpendRecord, type SpendPolicy } from './hook.ts';
import { EMPTY_INDEX, type CCInput, type CCOutput, type ModuleIndexReader, type ValidationContext } from './module.ts';
import { checkCcOutput } from './outputs.ts';
import type { ModuleRegistry, RegisteredModule } from './registry.ts';
import type { HostChainParams, HostCoin, HostTxContext } from './types.ts';
import { createTxView, type HostLookups } from './view.ts';

/**
 * What a session's hook returns as `info` for an accepted input, and what `reuseInput` takes back:
 * the spend record bound to its transaction, input and spent script. Only the host that issued it
 * accepts it (a private brand, so a copy or a look-alike object is refused).
 */
export class CcInputInfo {
  readonly #issuer: object;

  constructor(
    issuer: object,
    readonly txid: Uint8Array,
    readonly index: number,
    readonly spentScript: Uint8Array,
    readonly record: CcSpendRecord,
  ) {
    this.#issuer = issuer;
  }

  /** True when `x` is an info issued by `issuer`. */
  static issuedBy(x: unknown, issuer: object): x is CcInputInfo {
    return typeof x === 'object' && x !== null && #issuer in x && (x as CcInputInfo).#issuer === issuer;
  }
}

/** The parts of a host a session uses. */
export interface SessionHost extends HostLookups {
  readonly chain: HostChainParams;
  readonly registry: ModuleRegistry;
  /** The module's index as of the previous block (default: empty). */
  readonly index?: ((module: string) => ModuleIndexReader) | undefined;
  /** Hears about module exceptions (to log them with their stack). */
  readonly onModuleFault?: ((f: ModuleFault) => void) | undefined;
  /** This host's identity: `reuseInput` accepts only infos it issued. */
  readonly issuer: object;
}

const ok: { readonly ok: true; readonly value: undefined } = Object.freeze({ ok: true, value: undefined });

/** The CC session of one transaction. Structurally a chain `CcTxSession`. */
export class CcSession {
  private readonly records: (CcInputInfo | undefined)[];
  private readonly policy: SpendPolicy;
  private touched: readonly number[] = [];

  constructor(
    private readonly host: SessionHost,
    readonly tx: Transaction,
    readonly spent: readonly HostCoin[],
    readonly ctx: HostTxContext,
  ) {
    this.records = new Array<CcInputInfo | undefined>(spent.length);
    this.policy = { allowedTypes: host.chain.cc.allowedTypes, height: ctx.height, registry: host.registry };
  }

  /** The hook for input `index` (B4 steps 2–9); an accepted spend is recorded for `finish`. */
  hookForInput(index: number): CryptoConditionsHook {
    return new InputHook(this, index);
  }

  /** B4 for input `index`, recording the accepted spend (what `hookForInput(index).checkSpend` runs). */
  checkInput(index: number, req: CcSpendRequest): CcSpendResult {
    this.records[index] = undefined;
    if (req.checker.tx !== this.tx || req.checker.inputIndex !== index) {
      return { ok: false, error: 'CC_HOST_ERROR', message: `B4: the hook of input ${index} was called for another transaction or input` };
    }
    const coin = this.spent[index];
    if (coin === undefined || !equalBytes(coin.script, req.scriptPubKey)) {
      return { ok: false, error: 'CC_HOST_ERROR', message: `B4: input ${index} does not spend the script the session was given` };
    }
    const r = checkCcSpend(req, this.policy);
    if (!r.ok) return r;
    const info = new CcInputInfo(this.host.issuer, this.ctx.txid.slice(), index, coin.script.slice(), r.record);
    this.records[index] = info;
    return { ok: true, info };
  }

  /**
   * Takes back the `info` the hook returned when this transaction was verified before (script cache):
   * true when this host issued it for the same txid, input and spent script, and every module it
   * dispatches is still active at this height. False makes validation run the hook again.
   */
  reuseInput(index: number, info: unknown): boolean {
    if (!CcInputInfo.issuedBy(info, this.host.issuer)) return false;
    const i = info;
    const coin = this.spent[index];
    if (i.index !== index || coin === undefined || !equalBytes(i.txid, this.ctx.txid) || !equalBytes(i.spentScript, coin.script)) return false;
    for (const e of i.record.evals) if (this.host.registry.active(e.evalCode, this.ctx.height) === undefined) return false;
    this.records[index] = i;
    return true;
  }

  /**
   * After every input script passed: the output rules C1–C4 (coinbase included), then module dispatch
   * (B8.3). The first failure rejects the transaction (B12 codes, or `<name>/<CODE>`).
   */
  finish(): Result<void, CcHostRejection> {
    this.touched = [];
    if ((this.ctx.flags & SCRIPT_VERIFY_CRYPTOCONDITIONS) === 0) return ok;
    const groups = new Map<number, ModuleGroup>();

    const tx = this.tx;
    for (let i = 0; i < this.spent.length; i++) {
      const coin = this.spent[i]!;
      if (matchCcTemplate(coin.script) === null) continue;
      const info = this.records[i];
      if (info === undefined) {
        return fail({ code: CcHostErrorCode.HOST_ERROR, rule: 'B8.3', message: `B8.3: CC input ${i} was never verified by its hook`, input: i });
      }
      const rec = info.record;
      const byCode = new Map<number, Uint8Array[]>();
      for (const e of rec.evals) {
        const list = byCode.get(e.evalCode);
        if (list === undefined) byCode.set(e.evalCode, [e.params.slice()]);
        else list.push(e.params.slice());
      }
      const txin = tx.ins[i]!;
      for (const [code, evals] of byCode) {
        groupOf(groups, code).inputs.push({
          index: i,
          prevout: { txid: Uint8Array.from(txin.hash), vout: txin.index },
          spent: { value: coin.value, script: coin.script, condition: rec.condition, tail: rec.tail },
          tree: rec.tree,
          evals,
          hashType: rec.hashType,
          sighash: rec.sighash.slice(),
          witness: rec.witness?.slice(),
        });
      }
    }

    const allowed = this.host.chain.cc.allowedTypes;
    for (let j = 0; j < tx.outs.length; j++) {
      const out = tx.outs[j]!;
      const t = matchCcTemplate(out.script);
      if (t === null) continue;
      const c = checkCcOutput(t, allowed, this.host.registry, this.ctx.height);
      if (!c.ok) return fail({ ...c.error, output: j });
      const tail = c.value.tail;
      if (tail !== undefined) {
        groupOf(groups, tail.evalCode).outputs.push({ index: j, value: out.value, script: out.script, condition: t.condition.slice(), tail });
      }
    }

    const codes = [...groups.keys()].sort((a, b) => a - b);
    for (const code of codes) {
      const entry = this.host.registry.active(code, this.ctx.height);
      if (entry === undefined) {
        // Unreachable after B4 step 8 and C3; kept fail-closed.
        return fail({ code: CcHostErrorCode.EVAL_UNKNOWN, rule: 'B4.8', message: `B4.8: eval code ${code} is not active`, evalCode: code });
      }
      const g = groups.get(code)!;
      const mctx = this.contextFor(entry);
      if (g.outputs.length > 0 && entry.module.validateOutputs !== undefined) {
        const rej = runModuleHook(entry, 'validateOutputs', tx, g.inputs, g.outputs, mctx, this.host.onModuleFault);
        if (rej !== undefined) return fail(rej);
      }
      if (g.inputs.length > 0) {
        const rej = runModuleHook(entry, 'validate', tx, g.inputs, g.outputs, mctx, this.host.onModuleFault);
        if (rej !== undefined) return fail(rej);
      }
    }
    this.touched = Object.freeze(codes);
    return ok;
  }

  /** Eval codes of the modules the last successful `finish` dispatched (inputs or tailed outputs), ascending. */
  touchedModules(): readonly number[] {
    return this.touched;
  }

  private contextFor(entry: RegisteredModule): ValidationContext {
    const c = this.ctx;
    return Object.freeze({
      mode: c.mode,
      height: c.height,
      blockTime: Math.floor(c.blockTimeMs / 1000),
      blockTimeMs: c.blockTimeMs,
      chain: this.host.chain,
      params: entry.params,
      txid: c.txid.slice(),
      view: createTxView(c, this.host),
      index: this.host.index?.(entry.module.name) ?? EMPTY_INDEX,
    });
  }
}

/** A module's share of a transaction. */
interface ModuleGroup {
  readonly inputs: CCInput[];
  readonly outputs: CCOutput[];
}

function groupOf(groups: Map<number, ModuleGroup>, code: number): ModuleGroup {
  let g = groups.get(code);
  if (g === undefined) groups.set(code, (g = { inputs: [], outputs: [] }));
  return g;
}

/** The hook of one input of a session. */
class InputHook implements CryptoConditionsHook {
  constructor(
    private readonly session: CcSession,
    private readonly index: number,
  ) {}

  checkSpend(req: CcSpendRequest): CcSpendResult {
    return this.session.checkInput(this.index, req);
  }
}

function fail(error: CcHostRejection): { ok: false; error: CcHostRejection } {
  return { ok: false, error };
}
