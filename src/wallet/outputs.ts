/**
 * Output requests of a build: pay an amount to an address or to a raw script, or carry data in an
 * OP_RETURN output. `resolveOutputs` checks each one the way relay policy will (address of this chain,
 * amount in range, not dust, standard script form, OP_RETURN size) and gives the scripts.
 */
import { decodeAddress } from '../crypto/address.ts';
import type { ChainPrefixes } from '../crypto/address.ts';
import { MAX_MONEY } from '../chain/params.ts';
import { MAX_STANDARD_OP_RETURN_BYTES, classifyOutput, dustThreshold } from '../chain/mempool/policy.ts';
import type { OutputKind } from '../chain/mempool/policy.ts';
import { formatCoins } from '../chain/spec/amount.ts';
import { OP } from '../script/opcodes.ts';
import { p2pkhScript, p2shScript, pushData } from '../script/builder.ts';
import { concatBytes } from '../util/bytes.ts';
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';

/** One requested output. */
export type OutputRequest =
  /** Pay `amount` satoshis to a P2PKH or P2SH address of this chain. */
  | { readonly address: string; readonly amount: bigint }
  /** Pay `amount` satoshis to a raw output script (P2PK, a CC output, a module's OP_RETURN with 0, ...); it must be a standard form. */
  | { readonly script: Uint8Array; readonly amount: bigint }
  /** An OP_RETURN output carrying `data` (one push, or one push per element); `amount` defaults to 0. */
  | { readonly data: Uint8Array | readonly Uint8Array[]; readonly amount?: bigint };

/** A checked output. */
export interface ResolvedOutput {
  readonly script: Uint8Array;
  readonly value: bigint;
  readonly kind: OutputKind;
  /** The address it pays to, when it was requested by address. */
  readonly address?: string;
}

/** What `resolveOutputs` needs to know about the chain. */
export interface OutputContext {
  readonly prefixes: ChainPrefixes;
  /** Dust rate per kB (the mempool's, 3 × minRelayFeePerKb by default). */
  readonly dustRelayFeePerKb: bigint;
  /** Whether CC output templates are standard at the next block. */
  readonly ccActive: boolean;
}

/** The OP_RETURN script of `data`: OP_RETURN followed by one push per element. */
export function dataOutputScript(data: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const parts = data instanceof Uint8Array ? [data] : [...data];
  return concatBytes(Uint8Array.of(OP.OP_RETURN), ...parts.map((d) => pushData(d)));
}

/** The output script of a P2PKH or P2SH address of this chain, or `WALLET_BAD_ADDRESS` naming the expected prefixes. */
export function addressScript(address: string, prefixes: ChainPrefixes): Result<Uint8Array, WalletError> {
  if (typeof address !== 'string') return err(walletError(WalletErrorCode.BAD_ADDRESS, 'an address is a string'));
  const d = decodeAddress(address, prefixes);
  if (!d.ok) {
    return err(
      walletError(WalletErrorCode.BAD_ADDRESS, d.error.message, {
        address,
        reason: d.error['reason'],
        hint: 'check the address for typos, and that it belongs to this chain',
      }),
    );
  }
  return ok(d.value.kind === 'pubkeyhash' ? p2pkhScript(d.value.hash) : p2shScript(d.value.hash));
}

function badAmount(i: number, message: string): { ok: false; error: WalletError } {
  return err(walletError(WalletErrorCode.BAD_AMOUNT, `output ${i}: ${message}`, { output: i, hint: `amounts are 1..${MAX_MONEY} satoshis (21,000,000 coins)` }));
}

/**
 * Checks and resolves output requests, in order. Example:
 * `resolveOutputs([{ address, amount: 150_000_000n }, { data: utf8('hi') }], ctx)`.
 */
export function resolveOutputs(requests: readonly OutputRequest[], ctx: OutputContext): Result<ResolvedOutput[], WalletError> {
  if (!Array.isArray(requests) || requests.length === 0) {
    return err(walletError(WalletErrorCode.BAD_REQUEST, 'a transaction needs at least one output', { hint: 'give an address and an amount, or data' }));
  }
  const out: ResolvedOutput[] = [];
  let total = 0n;
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i]!;
    let script: Uint8Array;
    let value: bigint;
    let address: string | undefined;
    if ('data' in r) {
      value = r.amount ?? 0n;
      if (typeof value !== 'bigint' || value < 0n || value > MAX_MONEY) return badAmount(i, `the amount of a data output must be 0..${MAX_MONEY} satoshis`);
      const raw: unknown = r.data;
      const parts: unknown[] | undefined = raw instanceof Uint8Array ? [raw] : Array.isArray(raw) ? (raw as unknown[]) : undefined;
      if (parts === undefined || !parts.every((p): p is Uint8Array => p instanceof Uint8Array)) {
        return err(walletError(WalletErrorCode.BAD_REQUEST, `output ${i}: data is bytes or a list of byte strings`, { output: i }));
      }
      script = dataOutputScript(parts as Uint8Array[]);
      if (script.length > MAX_STANDARD_OP_RETURN_BYTES) {
        return err(
          walletError(WalletErrorCode.BAD_REQUEST, `output ${i}: the OP_RETURN script is ${script.length} bytes; relay accepts at most ${MAX_STANDARD_OP_RETURN_BYTES}`, {
            output: i,
            hint: 'carry less data, or split it over several transactions',
          }),
        );
      }
    } else {
      value = r.amount;
      if (typeof value !== 'bigint') return badAmount(i, 'the amount must be a bigint number of satoshis');
      // A raw OP_RETURN script (a module's opret) may carry 0; every payment carries at least 1 satoshi.
      const zeroOk = 'script' in r && r.script instanceof Uint8Array && r.script[0] === OP.OP_RETURN;
      if (value < 0n || (value === 0n && !zeroOk)) return badAmount(i, `the amount must be positive, got ${value}`);
      if (value > MAX_MONEY) return badAmount(i, `the amount ${value} exceeds MAX_MONEY`);
      if ('address' in r) {
        const s = addressScript(r.address, ctx.prefixes);
        if (!s.ok) return err({ ...s.error, output: i });
        script = s.value;
        address = r.address;
      } else {
        if (!(r.script instanceof Uint8Array)) return err(walletError(WalletErrorCode.BAD_REQUEST, `output ${i}: script must be bytes`, { output: i }));
        script = r.script.slice();
      }
    }
    const kind = classifyOutput(script, ctx.ccActive);
    if (kind === 'nonstandard') {
      return err(
        walletError(WalletErrorCode.BAD_REQUEST, `output ${i}: the script has no standard form, so nodes would not relay the transaction`, {
          output: i,
          hint: `use P2PKH, P2SH, P2PK, multisig of up to 3 keys, OP_RETURN pushes${ctx.ccActive ? ', or a CC output' : ''}`,
        }),
      );
    }
    if (kind !== 'nulldata' && kind !== 'cc') {
      const min = dustThreshold(script, ctx.dustRelayFeePerKb);
      if (value < min) {
        return err(
          walletError(WalletErrorCode.AMOUNT_DUST, `output ${i}: ${formatCoins(value)} coins is less than the ${formatCoins(min)} it costs to spend (dust)`, {
            output: i,
            amount: value.toString(),
            minimum: min.toString(),
            hint: `send at least ${min} satoshis`,
          }),
        );
      }
    }
    total += value;
    if (total > MAX_MONEY) return badAmount(i, `the outputs add up to more than MAX_MONEY (${MAX_MONEY} satoshis)`);
    out.push({ script, value, kind, ...(address !== undefined ? { address } : {}) });
  }
  return ok(out);
}
