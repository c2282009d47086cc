/**
 * The keystore: the wallet's keys, labels and derivation seed, kept in `wallet.json` in the data
 * directory (see walletFile.ts) or only in memory (tests, throwaway tools). Every change is written to
 * disk (atomically) before the method returns, and memory changes only after the write succeeded, so
 * an address handed out is never lost and a failed write changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ChainPrefixes } from '../crypto/address.ts';
import { decodeAddress } from '../crypto/address.ts';
import { hash160 } from '../crypto/hash.ts';
import { equalBytes, fromHex, isHex, toHex } from '../util/bytes.ts';
import { CchostError, unwrap } from '../util/errors.ts';
import { MAX_DERIVATION_INDEX, deriveWalletKey } from './derive.ts';
import { WalletErrorCode, walletFail } from './errors.ts';
import { lockWalletFile, nodeFsOps, readFileIfExists, removeStaleTempFiles, writeFileAtomic } from './fileIo.ts';
import type { WalletFsOps, WalletLock } from './fileIo.ts';
import { makeWalletKey, parseImportKey } from './keys.ts';
import type { KeyOrigin, WalletKey } from './keys.ts';
import { ownedScript } from './scripts.ts';
import type { OwnedScript } from './scripts.ts';
import { WALLET_FILE_NAME, decodeWalletData, encodeWalletData, labelProblem } from './walletFile.ts';
import type { StoredKey, WalletData } from './walletFile.ts';

/** Options of `Keystore.inMemory`. */
export interface InMemoryKeystoreOptions {
  /** Address and WIF prefixes of the chain. */
  readonly prefixes: ChainPrefixes;
  /** Derivation seed (32 bytes); random when omitted. */
  readonly seed?: Uint8Array;
}

/** Options of `Keystore.open`. */
export interface OpenKeystoreOptions extends InMemoryKeystoreOptions {
  /** Data directory; the keystore is `<datadir>/wallet.json`. */
  readonly datadir: string;
  /** Create an empty wallet when the file does not exist (default true); `seed` is used only then. */
  readonly create?: boolean;
  /** File-system calls (tests inject failures here). */
  readonly fs?: WalletFsOps;
}

/** Result of `importKey`. */
export interface ImportKeyResult {
  readonly key: WalletKey;
  /** False when the wallet already held the key (its label is updated when one was given). */
  readonly added: boolean;
}

/** A script a wallet key can sign for: the key and the script's form. */
export interface OwnedScriptMatch {
  readonly key: WalletKey;
  readonly script: OwnedScript;
}

/** The wallet's keys, labels and derivation seed. Example: `const ks = Keystore.open({ datadir, prefixes: spec.prefixes })`. */
export class Keystore {
  readonly prefixes: ChainPrefixes;
  /** Path of `wallet.json`, or undefined for an in-memory keystore. */
  readonly path: string | undefined;
  private readonly fs: WalletFsOps;
  private lock: WalletLock | undefined;
  private data: WalletData;
  private list: WalletKey[] = [];
  private readonly byHash = new Map<string, WalletKey>();

  private constructor(prefixes: ChainPrefixes, data: WalletData, path: string | undefined, fs: WalletFsOps, lock: WalletLock | undefined) {
    this.prefixes = prefixes;
    this.path = path;
    this.fs = fs;
    this.lock = lock;
    this.data = data;
    this.rebuild();
  }

  /** A keystore that lives in memory only (nothing is written anywhere). */
  static inMemory(options: InMemoryKeystoreOptions): Keystore {
    return new Keystore(options.prefixes, { seed: checkSeed(options.seed), nextIndex: 0, keys: [] }, undefined, nodeFsOps, undefined);
  }

  /**
   * Opens `<datadir>/wallet.json` (creating it, mode 0600, unless `create` is false) and holds its lock
   * until `close()`. Throws `WALLET_LOCKED`, `WALLET_CORRUPT` (with the path and the fix) or `WALLET_IO`.
   */
  static open(options: OpenKeystoreOptions): Keystore {
    const fs = options.fs ?? nodeFsOps;
    const path = join(options.datadir, WALLET_FILE_NAME);
    const seed = options.seed !== undefined ? checkSeed(options.seed) : undefined;
    const lock = lockWalletFile(path, fs);
    try {
      removeStaleTempFiles(path, fs);
      const text = readFileIfExists(path, fs);
      let data: WalletData;
      if (text === undefined) {
        if (options.create === false) {
          walletFail(WalletErrorCode.IO, `no wallet at ${path}`, { path, hint: 'create one (the node does so on start), or pass the --datadir that holds it' });
        }
        data = { seed: seed ?? checkSeed(undefined), nextIndex: 0, keys: [] };
        writeFileAtomic(path, encodeWalletData(data), fs);
      } else {
        data = unwrap(decodeWalletData(text, path));
      }
      return new Keystore(options.prefixes, data, path, fs, lock);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Releases the file lock (an in-memory keystore has none). The keystore must not be used afterwards. */
  close(): void {
    this.lock?.release();
    this.lock = undefined;
  }

  /** Every key, in the order they entered the wallet. */
  keys(): readonly WalletKey[] {
    return this.list;
  }

  /** Index of the next key `getNewAddress` derives. */
  get nextIndex(): number {
    return this.data.nextIndex;
  }

  /** Derives, stores and returns a new key (its `address` is the new address). Example: `ks.getNewAddress('savings').address`. */
  getNewAddress(label = ''): WalletKey {
    checkLabel(label);
    const key = this.derive(this.data.nextIndex, label, 'derived');
    this.commit({ ...this.data, nextIndex: this.data.nextIndex + 1, keys: [...this.data.keys, stored(key)] });
    return this.byHash.get(toHex(key.pubkeyHash))!;
  }

  /**
   * The key the next change output would use (a fresh derived key), without storing it. The builder
   * stores it with `commitChangeKey` once a transaction paying to it is complete.
   */
  peekChangeKey(): WalletKey {
    return this.derive(this.data.nextIndex, '', 'change');
  }

  /** Stores a key `peekChangeKey` returned, if it is still the next one (otherwise it is already stored or stale). */
  commitChangeKey(key: WalletKey): void {
    if (key.origin !== 'change' || key.index !== this.data.nextIndex) return;
    this.commit({ ...this.data, nextIndex: this.data.nextIndex + 1, keys: [...this.data.keys, stored(key)] });
  }

  /**
   * Adds a private key (WIF of this chain, or 64 hex digits for a compressed key). Importing a key the
   * wallet holds adds nothing and sets the label when one is given. Throws `WALLET_BAD_KEY`.
   * Example: `ks.importKey(devKeyHex, 'dev1')` (what `cchost dev` does for its funded keys).
   */
  importKey(input: string, label?: string): ImportKeyResult {
    if (label !== undefined) checkLabel(label);
    const parsed = unwrap(parseImportKey(input, this.prefixes));
    const candidate = makeWalletKey(parsed.privateKey, parsed.compressed, this.prefixes, { label: label ?? '', origin: 'imported' });
    const existing = this.byHash.get(toHex(candidate.pubkeyHash));
    if (existing !== undefined) {
      if (label !== undefined && label !== existing.label) this.setLabel(existing.address, label);
      return { key: this.byHash.get(toHex(candidate.pubkeyHash))!, added: false };
    }
    this.commit({ ...this.data, keys: [...this.data.keys, stored(candidate)] });
    return { key: this.byHash.get(toHex(candidate.pubkeyHash))!, added: true };
  }

  /** Sets the label of a wallet key named by address or public key hex. Throws `WALLET_UNKNOWN_KEY`. */
  setLabel(addressOrPubkey: string, label: string): WalletKey {
    checkLabel(label);
    const key = this.requireKey(addressOrPubkey);
    const keys = this.data.keys.map((k) =>
      equalBytes(k.privateKey, key.privateKey) && k.compressed === key.compressed ? { ...k, label } : k,
    );
    this.commit({ ...this.data, keys });
    return this.byHash.get(toHex(key.pubkeyHash))!;
  }

  /** The key whose public key hashes to `pubkeyHash` (20 bytes), if the wallet has it. */
  keyByHash(pubkeyHash: Uint8Array): WalletKey | undefined {
    return this.byHash.get(toHex(pubkeyHash));
  }

  /** The wallet key named by a P2PKH address of this chain or by a public key in hex, if any. */
  findKey(addressOrPubkey: string): WalletKey | undefined {
    if (typeof addressOrPubkey !== 'string') return undefined;
    if (isHex(addressOrPubkey) && (addressOrPubkey.length === 66 || addressOrPubkey.length === 130)) {
      const k = this.byHash.get(toHex(hash160(fromHex(addressOrPubkey))));
      return k !== undefined && toHex(k.publicKey) === addressOrPubkey.toLowerCase() ? k : undefined;
    }
    const d = decodeAddress(addressOrPubkey, this.prefixes);
    if (!d.ok || d.value.kind !== 'pubkeyhash') return undefined;
    return this.byHash.get(toHex(d.value.hash));
  }

  /** `findKey`, or throws `WALLET_UNKNOWN_KEY` with the fix. */
  requireKey(addressOrPubkey: string): WalletKey {
    const k = this.findKey(addressOrPubkey);
    if (k !== undefined) return k;
    return walletFail(WalletErrorCode.UNKNOWN_KEY, `${String(addressOrPubkey)} is not a key of this wallet`, {
      key: addressOrPubkey,
      hint: 'use an address from getnewaddress or listunspent, or import its private key first',
    });
  }

  /** The key that can spend an output with `script` (P2PKH or P2PK of a wallet key), if any. */
  keyForScript(script: Uint8Array): OwnedScriptMatch | undefined {
    const s = ownedScript(script);
    if (s === null) return undefined;
    const key = this.byHash.get(toHex(s.hash));
    if (key === undefined) return undefined;
    if (s.kind === 'p2pk' && !equalBytes(s.pubkey, key.publicKey)) return undefined;
    return { key, script: s };
  }

  private derive(index: number, label: string, origin: KeyOrigin): WalletKey {
    if (index > MAX_DERIVATION_INDEX) {
      walletFail(WalletErrorCode.BAD_REQUEST, 'this wallet has derived every key its seed allows', { hint: 'create a new wallet' });
    }
    return makeWalletKey(deriveWalletKey(this.data.seed, index), true, this.prefixes, { label, origin, index });
  }

  /** Writes `next` (when file-backed), then makes it current. */
  private commit(next: WalletData): void {
    if (this.path !== undefined) {
      if (this.lock === undefined) {
        throw new CchostError(WalletErrorCode.IO, `wallet ${this.path} is closed`, { path: this.path, hint: 'open the keystore again' });
      }
      writeFileAtomic(this.path, encodeWalletData(next), this.fs);
    }
    this.data = next;
    this.rebuild();
  }

  private rebuild(): void {
    const before = new Map<string, WalletKey>();
    for (const k of this.list) before.set(`${toHex(k.privateKey)}/${k.compressed}`, k);
    this.list = [];
    this.byHash.clear();
    for (const s of this.data.keys) {
      const prev = before.get(`${toHex(s.privateKey)}/${s.compressed}`);
      // Reuse the public key computed before; only the label can change for a stored key.
      const k =
        prev !== undefined
          ? prev.label === s.label
            ? prev
            : { ...prev, label: s.label }
          : makeWalletKey(s.privateKey, s.compressed, this.prefixes, { label: s.label, origin: s.origin, index: s.index });
      const h = toHex(k.pubkeyHash);
      if (this.byHash.has(h)) continue;
      this.byHash.set(h, k);
      this.list.push(k);
    }
  }
}

function stored(k: WalletKey): StoredKey {
  return { privateKey: k.privateKey, compressed: k.compressed, label: k.label, origin: k.origin, ...(k.index !== undefined ? { index: k.index } : {}) };
}

function checkLabel(label: unknown): void {
  const p = labelProblem(label);
  if (p !== undefined) walletFail(WalletErrorCode.BAD_REQUEST, p, { hint: 'pass a shorter text label' });
}

function checkSeed(seed: Uint8Array | undefined): Uint8Array {
  if (seed === undefined) return new Uint8Array(randomBytes(32));
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    return walletFail(WalletErrorCode.BAD_REQUEST, 'a wallet seed is 32 bytes', { hint: 'pass 32 random bytes, or omit the seed' });
  }
  return seed.slice();
}
