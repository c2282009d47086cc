/**
 * The `wallet.json` format (version 1): the random derivation seed, the next derivation index, and
 * every key as hex with its compression flag, label and origin. Keys are stored as hex, not WIF, so the
 * file does not depend on a chain's prefixes. Decoding checks everything, including that each derived
 * key really is the seed's key at its index, so a damaged file is reported, never half-used.
 *
 * ```json
 * { "format": "cchost-wallet", "version": 1, "seed": "<64 hex>", "nextIndex": 2,
 *   "keys": [ { "privkey": "<64 hex>", "compressed": true, "label": "", "origin": "derived", "index": 0 },
 *             { "privkey": "<64 hex>", "compressed": true, "label": "dev1", "origin": "imported" } ] }
 * ```
 */
import { isValidPrivateKey } from '../crypto/secp256k1.ts';
import { equalBytes, fromHex, isHex, toHex } from '../util/bytes.ts';
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { MAX_DERIVATION_INDEX, deriveWalletKey } from './derive.ts';
import { WalletErrorCode, walletError } from './errors.ts';
import type { WalletError } from './errors.ts';
import type { KeyOrigin } from './keys.ts';

/** File name of the keystore inside the data directory. */
export const WALLET_FILE_NAME = 'wallet.json';
/** Value of the file's `format` field. */
export const WALLET_FORMAT = 'cchost-wallet';
/** The format version this code writes and reads. */
export const WALLET_FORMAT_VERSION = 1;
/** Longest label, in UTF-16 code units. */
export const MAX_LABEL_LENGTH = 256;

/** One stored key. */
export interface StoredKey {
  readonly privateKey: Uint8Array;
  readonly compressed: boolean;
  readonly label: string;
  readonly origin: KeyOrigin;
  /** Derivation index (derived and change keys only). */
  readonly index?: number;
}

/** Everything `wallet.json` holds. */
export interface WalletData {
  readonly seed: Uint8Array;
  /** Index of the next key to derive (every lower index has been handed out). */
  readonly nextIndex: number;
  readonly keys: readonly StoredKey[];
}

/** The file text of `data`: indented JSON with a final newline. */
export function encodeWalletData(data: WalletData): string {
  const keys = data.keys.map((k) => ({
    privkey: toHex(k.privateKey),
    compressed: k.compressed,
    label: k.label,
    origin: k.origin,
    ...(k.index !== undefined ? { index: k.index } : {}),
  }));
  return JSON.stringify({ format: WALLET_FORMAT, version: WALLET_FORMAT_VERSION, seed: toHex(data.seed), nextIndex: data.nextIndex, keys }, null, 2) + '\n';
}

const ORIGINS: readonly string[] = ['derived', 'change', 'imported'];

/** The label check shared by the file decoder and the keystore. Returns a message, or undefined when fine. */
export function labelProblem(label: unknown): string | undefined {
  if (typeof label !== 'string') return 'a label is a string';
  if (label.length > MAX_LABEL_LENGTH) return `a label is at most ${MAX_LABEL_LENGTH} characters, got ${label.length}`;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the file text of a wallet. Fails with `WALLET_CORRUPT` naming `path`, what is wrong (`reason`)
 * and the fix. Example: `decodeWalletData(readFileSync(p, 'utf8'), p)`.
 */
export function decodeWalletData(text: string, path: string): Result<WalletData, WalletError> {
  const corrupt = (reason: string): { ok: false; error: WalletError } =>
    err(
      walletError(WalletErrorCode.CORRUPT, `wallet file ${path} is not a valid cchost wallet: ${reason}`, {
        path,
        reason,
        hint: `restore ${path} from a backup; or move it aside to start an empty wallet (its keys are then lost unless you re-import them)`,
      }),
    );
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return corrupt(`the file is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(j)) return corrupt('the top level is not a JSON object');
  if (j['format'] !== WALLET_FORMAT) return corrupt(`"format" is ${JSON.stringify(j['format'])}, expected "${WALLET_FORMAT}"`);
  if (j['version'] !== WALLET_FORMAT_VERSION) {
    const v = j['version'];
    return corrupt(
      typeof v === 'number' && Number.isInteger(v) && v > WALLET_FORMAT_VERSION
        ? `format version ${v} was written by a newer cchost (this one reads version ${WALLET_FORMAT_VERSION}); upgrade cchost`
        : `"version" is ${JSON.stringify(v)}, expected ${WALLET_FORMAT_VERSION}`,
    );
  }
  const seedHex = j['seed'];
  if (!isHex(seedHex) || seedHex.length !== 64) return corrupt('"seed" is not 64 hex digits');
  const seed = fromHex(seedHex);
  const nextIndex = j['nextIndex'];
  if (typeof nextIndex !== 'number' || !Number.isInteger(nextIndex) || nextIndex < 0 || nextIndex > MAX_DERIVATION_INDEX + 1) {
    return corrupt(`"nextIndex" is ${JSON.stringify(nextIndex)}, expected an integer 0..${MAX_DERIVATION_INDEX + 1}`);
  }
  const rawKeys = j['keys'];
  if (!Array.isArray(rawKeys)) return corrupt('"keys" is not an array');
  const keys: StoredKey[] = [];
  const seen = new Set<string>();
  const seenIndex = new Set<number>();
  for (let i = 0; i < rawKeys.length; i++) {
    const r: unknown = rawKeys[i];
    const at = `keys[${i}]`;
    if (!isRecord(r)) return corrupt(`${at} is not an object`);
    const pk = r['privkey'];
    if (!isHex(pk) || pk.length !== 64) return corrupt(`${at}.privkey is not 64 hex digits`);
    const privateKey = fromHex(pk);
    if (!isValidPrivateKey(privateKey)) return corrupt(`${at}.privkey is not a valid secp256k1 private key`);
    const compressed = r['compressed'];
    if (typeof compressed !== 'boolean') return corrupt(`${at}.compressed is not true or false`);
    const label = r['label'];
    const lp = labelProblem(label);
    if (lp !== undefined) return corrupt(`${at}.label: ${lp}`);
    const origin = r['origin'];
    if (typeof origin !== 'string' || !ORIGINS.includes(origin)) return corrupt(`${at}.origin is ${JSON.stringify(origin)}, expected one of ${ORIGINS.join(', ')}`);
    const id = `${pk.toLowerCase()}/${compressed ? 'c' : 'u'}`;
    if (seen.has(id)) return corrupt(`${at} repeats an earlier key`);
    seen.add(id);
    const index = r['index'];
    if (origin === 'imported') {
      if (index !== undefined) return corrupt(`${at} is imported but has a derivation index`);
      keys.push({ privateKey, compressed, label: label as string, origin });
      continue;
    }
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= nextIndex) {
      return corrupt(`${at}.index is ${JSON.stringify(index)}, expected an integer below nextIndex ${nextIndex}`);
    }
    if (seenIndex.has(index)) return corrupt(`${at}.index ${index} is used twice`);
    seenIndex.add(index);
    if (!compressed || !equalBytes(deriveWalletKey(seed, index), privateKey)) {
      return corrupt(`${at} is not the seed's key at index ${index} (the seed or the key was changed)`);
    }
    keys.push({ privateKey, compressed, label: label as string, origin: origin as KeyOrigin, index });
  }
  return ok({ seed, nextIndex, keys });
}
