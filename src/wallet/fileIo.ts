/**
 * Disk access of the keystore: atomic writes (temp file in the same directory, written, fsynced, given
 * mode 0600, renamed over the target, directory fsynced), so `wallet.json` is always either the old or
 * the new complete file; and a lock file (`wallet.json.lock` holding the owner's pid, created atomically
 * by `link`) so two processes never write one wallet. A lock whose pid is dead is stale and taken over.
 * The file-system calls go through `WalletFsOps` so tests can simulate a crash at any step.
 */
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CchostError } from '../util/errors.ts';
import { WalletErrorCode } from './errors.ts';

/** Mode of the wallet file and its temp files: owner read/write only. */
export const WALLET_FILE_MODE = 0o600;

/** The file-system calls the keystore makes (node:fs by default). */
export interface WalletFsOps {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, data: Uint8Array): number;
  fsyncSync(fd: number): void;
  fchmodSync(fd: number, mode: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  linkSync(existing: string, link: string): void;
  readFileSync(path: string): string;
  readdirSync(dir: string): string[];
}

/** The real file system. */
export const nodeFsOps: WalletFsOps = {
  openSync: (p, f, m) => openSync(p, f, m),
  writeSync: (fd, data) => writeSync(fd, data),
  fsyncSync: (fd) => fsyncSync(fd),
  fchmodSync: (fd, m) => fchmodSync(fd, m),
  closeSync: (fd) => closeSync(fd),
  renameSync: (a, b) => renameSync(a, b),
  unlinkSync: (p) => unlinkSync(p),
  linkSync: (a, b) => linkSync(a, b),
  readFileSync: (p) => readFileSync(p, 'utf8'),
  readdirSync: (d) => readdirSync(d),
};

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function ioFail(path: string, action: string, e: unknown): never {
  const errno = errnoCode(e);
  const hint =
    errno === 'ENOSPC'
      ? 'free some disk space and retry'
      : errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS'
        ? `make ${dirname(path)} writable by this user, or pass another --datadir`
        : errno === 'ENOENT'
          ? `create the data directory ${dirname(path)} first, or pass another --datadir`
          : 'check the data directory and retry';
  throw new CchostError(WalletErrorCode.IO, `cannot ${action} ${path}: ${e instanceof Error ? e.message : String(e)}`, { path, errno, hint });
}

/** Prefix of temp files beside `path` (`wallet.json.tmp-`). */
function tmpPrefix(path: string): string {
  return `${basename(path)}.tmp-`;
}

let tmpCounter = 0;

/**
 * Replaces `path` with `data` atomically: a reader (or a restart after a crash at any point) sees the
 * old complete file or the new complete file, never a mix. Throws `WALLET_IO` on failure, after
 * removing its temp file when it can.
 */
export function writeFileAtomic(path: string, data: string, fs: WalletFsOps = nodeFsOps): void {
  const tmp = join(dirname(path), `${tmpPrefix(path)}${process.pid}-${++tmpCounter}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', WALLET_FILE_MODE);
    fs.fchmodSync(fd, WALLET_FILE_MODE); // open's mode passes through the umask; set it exactly
    const bytes = new TextEncoder().encode(data);
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes.subarray(off));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // it may not exist
    }
    ioFail(path, 'write', e);
  }
  // Make the rename itself durable.
  try {
    const dfd = fs.openSync(dirname(path), 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename has happened either way.
  }
}

/** Removes temp files a crashed write left beside `path` (call while holding the lock). */
export function removeStaleTempFiles(path: string, fs: WalletFsOps = nodeFsOps): void {
  const prefix = tmpPrefix(path);
  let names: string[];
  try {
    names = fs.readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    try {
      fs.unlinkSync(join(dirname(path), n));
    } catch {
      // best effort
    }
  }
}

/** The file's text, or undefined when it does not exist. Throws `WALLET_IO` on other failures. */
export function readFileIfExists(path: string, fs: WalletFsOps = nodeFsOps): string | undefined {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    return ioFail(path, 'read', e);
  }
}

/** True when `pid` names a live process (EPERM: alive, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** Lock files this process holds. */
const heldLocks = new Set<string>();

/** A held wallet lock. */
export interface WalletLock {
  readonly path: string;
  /** Releases the lock (idempotent). */
  release(): void;
}

/**
 * Takes the lock of the wallet at `walletPath` (`<walletPath>.lock`). Throws `WALLET_LOCKED` naming
 * the holder's pid and the fix when a live process (or this process, through another keystore) holds it.
 */
export function lockWalletFile(walletPath: string, fs: WalletFsOps = nodeFsOps): WalletLock {
  const lockPath = `${walletPath}.lock`;
  if (heldLocks.has(lockPath)) {
    throw new CchostError(WalletErrorCode.LOCKED, `wallet ${walletPath} is already open in this process`, {
      path: walletPath,
      pid: process.pid,
      hint: 'use the keystore that is already open, or close it first',
    });
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    const tmp = `${lockPath}.${process.pid}.tmp`;
    try {
      const fd = fs.openSync(tmp, 'w', WALLET_FILE_MODE);
      try {
        fs.writeSync(fd, new TextEncoder().encode(`${process.pid}\n`));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      ioFail(lockPath, 'create the lock', e);
    }
    try {
      fs.linkSync(tmp, lockPath);
      fs.unlinkSync(tmp);
      heldLocks.add(lockPath);
      let released = false;
      return {
        path: lockPath,
        release: () => {
          if (released) return;
          released = true;
          heldLocks.delete(lockPath);
          try {
            fs.unlinkSync(lockPath);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // ignore
      }
      if (errnoCode(e) !== 'EEXIST') ioFail(lockPath, 'create the lock', e);
    }
    let holder = NaN;
    try {
      const t = fs.readFileSync(lockPath).trim();
      holder = /^[1-9][0-9]{0,9}$/.test(t) ? Number(t) : NaN;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') continue; // released meanwhile: retry
      ioFail(lockPath, 'read the lock', e);
    }
    if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) {
      throw new CchostError(WalletErrorCode.LOCKED, `wallet ${walletPath} is in use by process ${holder}`, {
        path: walletPath,
        pid: holder,
        hint: `stop process ${holder} (the node or another cchost command using this wallet), or pass another --datadir`,
      });
    }
    // Stale: its process is gone (or the file is unreadable garbage from a crash). Take it over.
    try {
      fs.unlinkSync(lockPath);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') ioFail(lockPath, 'remove the stale lock', e);
    }
  }
  throw new CchostError(WalletErrorCode.LOCKED, `wallet ${walletPath} is being locked by another process right now`, {
    path: walletPath,
    hint: 'retry in a moment',
  });
}
