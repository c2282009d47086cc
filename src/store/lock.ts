/**
 * The datadir lock: one process per datadir. `LOCK` holds the owner's pid. It is created atomically
 * with its content (write `LOCK.<pid>.tmp`, then `link` it to `LOCK`, which fails if `LOCK` exists:
 * the same exclusivity as O_EXCL, without a window in which the file exists but is empty). A lock whose
 * pid is dead (or a zombie, or this process's own pid from an earlier run that was killed) is stale and
 * taken over. The SQLite connection additionally holds an exclusive file lock (see schema.ts), which
 * the kernel drops when the process dies, so two processes racing for a stale lock still cannot both
 * write the database.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { StoreErrorCode, storeError } from './errors.ts';
import type { StoreError } from './errors.ts';

/** Name of the lock file inside a datadir. */
export const LOCK_FILE = 'LOCK';

/** A held datadir lock. */
export interface DatadirLock {
  /** Path of the lock file. */
  readonly path: string;
  /** Releases the lock (removes the file if it still names this process). Idempotent. */
  release(): void;
}

/** Lock files held by this process (a second store on the same datadir in one process is refused too). */
const held = new Set<string>();

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** True when `pid` names a running (not zombie) process. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return errnoCode(e) === 'EPERM'; // exists but belongs to another user
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    // no procfs: trust kill(0)
  }
  return true;
}

function readHolder(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : NaN;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

function lockedError(dir: string, path: string, pid: number): StoreError {
  const who = pid === process.pid ? `this process (${pid}) through another open store` : `process ${pid}`;
  return storeError(
    StoreErrorCode.LOCKED,
    `datadir ${dir} is in use by ${who}; stop it or pass --datadir (if no such process is running, delete ${path})`,
    { dir, pid },
  );
}

/**
 * Takes the lock of `dir` (which must exist). Example: `acquireDatadirLock('/data/cchost')` fails with
 * `STORE_LOCKED` and the holder's pid while another node runs on that datadir.
 */
export function acquireDatadirLock(dir: string): Result<DatadirLock, StoreError> {
  const path = join(dir, LOCK_FILE);
  if (held.has(path)) return err(lockedError(dir, path, process.pid));
  const tmp = join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, `${process.pid}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, path);
        held.add(path);
        return ok({ path, release: () => releaseLock(path) });
      } catch (e) {
        if (errnoCode(e) !== 'EEXIST') throw e;
      }
      const holder = readHolder(path);
      if (holder === undefined) continue; // removed meanwhile: try again
      // A live holder keeps it. Our own pid here is a previous run of ours (we do not hold it): stale.
      if (!Number.isNaN(holder) && holder !== process.pid && processAlive(holder)) return err(lockedError(dir, path, holder));
      try {
        unlinkSync(path);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
      }
    }
    const holder = readHolder(path);
    return err(lockedError(dir, path, holder !== undefined && !Number.isNaN(holder) ? holder : 0));
  } catch (e) {
    return err(storeError(StoreErrorCode.OPEN_FAILED, `cannot create the lock file ${path}: ${e instanceof Error ? e.message : String(e)}`, { dir }));
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

function releaseLock(path: string): void {
  if (!held.delete(path)) return;
  try {
    if (readHolder(path) === process.pid) unlinkSync(path);
  } catch {
    // best effort: a stale file is taken over by the next run
  }
}
