/**
 * The dev chain of `cchost dev`: its spec (one producer with the dev producer key, the funded dev keys
 * as genesis allocations, no modules until built-in ones exist), reusing the datadir's spec when it
 * has one, and `--reset`, which empties a datadir only when everything in it is a cchost file.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDevSpec } from '../chain/spec/defaults.ts';
import type { ModuleJson } from '../chain/spec/defaults.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import { DEFAULT_PREFIXES } from '../crypto/address.ts';
import { p2pkhScript } from '../script/builder.ts';
import { hash160 } from '../crypto/hash.ts';
import { processAlive } from '../store/lock.ts';
import { equalBytes } from '../util/bytes.ts';
import { devKeyFunding, devKeys, devProducerPublicKey } from './devKeys.ts';
import type { DevKey } from './devKeys.ts';
import { NodeErrorCode, nodeError } from './errors.ts';
import { readDatadirSpec } from './specFile.ts';

/** The dev chain to run and its funded keys. */
export interface DevChain {
  readonly spec: ChainSpec;
  readonly keys: readonly DevKey[];
  /** True when the datadir already held this chain. */
  readonly reused: boolean;
}

/**
 * A new dev spec with `n` funded keys and the slot clock starting at `genesisTimeMs`. `modules` is
 * empty until the built-in modules exist (tests pass example modules).
 */
export function newDevSpec(n: number, genesisTimeMs: number, modules: readonly ModuleJson[] = []): ChainSpec {
  const amount = devKeyFunding(n);
  return defaultDevSpec({
    producerKey: devProducerPublicKey(),
    genesisTimeMs,
    allocations: devKeys(n, DEFAULT_PREFIXES).map((k) => ({ address: k.address, amount })),
    modules,
  });
}

/**
 * The dev chain of `datadir`: its existing spec (which must be a dev chain: the dev producer alone and
 * dev keys 0..n-1 as the allocations, NODE_NOT_DEV_DATADIR otherwise), or a new one with `keys`
 * funded keys whose clock starts at `nowMs` (rounded down to the second).
 */
export function devChainFor(datadir: string, keys: number, nowMs: number, modules: readonly ModuleJson[] = []): DevChain {
  const existing = readDatadirSpec(datadir);
  if (existing === undefined) {
    const spec = newDevSpec(keys, Math.floor(nowMs / 1000) * 1000, modules);
    return { spec, keys: devKeys(keys, spec.prefixes), reused: false };
  }
  const notDev = (why: string): never => {
    throw nodeError(NodeErrorCode.NOT_DEV_DATADIR, `${datadir} holds chain ${existing.name}, which is not a cchost dev chain (${why}); run 'cchost node' on it, or pass another --datadir`, {
      datadir,
    });
  };
  const producers = existing.schedule.producers;
  if (producers.length !== 1 || !equalBytes(producers[0]!.key, devProducerPublicKey())) notDev('its producer is not the dev producer');
  const n = existing.allocations.length;
  if (n < 1) notDev('it funds no dev keys');
  const found = devKeys(n, existing.prefixes);
  found.forEach((k, i) => {
    if (!equalBytes(existing.allocations[i]!.script, p2pkhScript(hash160(k.publicKey)))) notDev(`genesis output ${i} is not dev key ${i}`);
  });
  return { spec: existing, keys: found, reused: true };
}

/** Whether a file name is one cchost writes into a datadir. */
export function isDatadirFile(name: string): boolean {
  if (['chain.sqlite', 'chain.sqlite-wal', 'chain.sqlite-shm', 'chain.sqlite-journal', 'chain.json', 'wallet.json', 'wallet.json.lock', 'LOCK', '.cookie', '.cookie.tmp'].includes(name)) {
    return true;
  }
  return /^(LOCK\.\d+\.tmp|chain\.json\.\d+\.tmp|wallet\.json\.tmp-.*|wallet\.json\.lock\.\d+\.tmp)$/.test(name);
}

/**
 * Empties `datadir` for `--reset`: refused (NODE_NOT_DEV_DATADIR) when it holds anything cchost did not
 * write, and (STORE_LOCKED) while a live process holds its lock. A missing datadir is fine.
 * Returns the names removed.
 */
export function resetDatadir(datadir: string): string[] {
  if (!existsSync(datadir)) return [];
  const names = readdirSync(datadir);
  const foreign = names.filter((n) => !isDatadirFile(n));
  if (foreign.length > 0) {
    throw nodeError(
      NodeErrorCode.NOT_DEV_DATADIR,
      `refusing to reset ${datadir}: it holds ${foreign.slice(0, 5).map((n) => `'${n}'`).join(', ')}${foreign.length > 5 ? ', ...' : ''}, which cchost did not write; remove them yourself or pick another --datadir`,
      { datadir },
    );
  }
  const lock = join(datadir, 'LOCK');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw nodeError(NodeErrorCode.START_FAILED, `refusing to reset ${datadir}: it is in use by process ${pid}; stop that node first`, { datadir, pid, cause: 'STORE_LOCKED' });
    }
  }
  for (const n of names) rmSync(join(datadir, n), { force: true, recursive: false });
  return names;
}
