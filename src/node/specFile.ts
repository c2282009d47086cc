/**
 * The chain spec kept in the datadir (`chain.json`). The first start writes it; every later start
 * reads it, so a reused datadir keeps its chain id (the genesis time of a dev chain, for one, is part
 * of the spec). A spec given on the command line must be the same chain as the one in the datadir.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { chainId, specToJson } from '../chain/spec/canonical.ts';
import { parseChainSpecText } from '../chain/spec/parse.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import { NodeErrorCode, nodeError } from './errors.ts';

/** Name of the spec file in a datadir. */
export const SPEC_FILE = 'chain.json';

/** Path of the spec file of a datadir. */
export function specPath(datadir: string): string {
  return join(datadir, SPEC_FILE);
}

/** Reads and validates a spec file; throws NODE_SPEC_INVALID listing every problem with its field. */
export function readSpecFile(path: string): ChainSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw nodeError(NodeErrorCode.SPEC_INVALID, `cannot read the chain spec ${path}: ${(e as Error).message}`, { path });
  }
  const r = parseChainSpecText(text);
  if (r.ok) return r.value;
  const problems = (r.error['errors'] as { message: string }[] | undefined) ?? [r.error];
  throw nodeError(NodeErrorCode.SPEC_INVALID, `the chain spec ${path} is invalid:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`, { path });
}

/** The datadir's spec, or undefined when it has none yet. */
export function readDatadirSpec(datadir: string): ChainSpec | undefined {
  const path = specPath(datadir);
  return existsSync(path) ? readSpecFile(path) : undefined;
}

/** Writes the spec file atomically (temporary file, fsync, rename). Throws NODE_IO. */
export function writeDatadirSpec(datadir: string, spec: ChainSpec): void {
  const path = specPath(datadir);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(datadir, { recursive: true });
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, `${JSON.stringify(specToJson(spec), null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw nodeError(NodeErrorCode.IO, `cannot write the chain spec ${path}: ${(e as Error).message}; check --datadir`, { path });
  }
}

/**
 * The spec a node runs in `datadir`: the datadir's own when it has one (a `given` spec must then be
 * the same chain, NODE_SPEC_MISMATCH otherwise), else `given`, written into the datadir (NODE_NO_SPEC
 * when there is neither). Example: `const spec = datadirSpec('/data', readSpecFile('demo.chain.json'))`.
 */
export function datadirSpec(datadir: string, given?: ChainSpec): ChainSpec {
  const existing = readDatadirSpec(datadir);
  if (existing !== undefined) {
    if (given !== undefined && chainId(given) !== chainId(existing)) {
      throw nodeError(
        NodeErrorCode.SPEC_MISMATCH,
        `the datadir ${datadir} holds chain ${existing.name} (${chainId(existing)}), not ${given.name} (${chainId(given)}); ` +
          'pass the spec the datadir was created with, or another --datadir',
        { datadir },
      );
    }
    return existing;
  }
  if (given === undefined) {
    throw nodeError(NodeErrorCode.NO_SPEC, `no chain spec in ${datadir} (${SPEC_FILE}); pass --chain FILE (see 'cchost chain new') or another --datadir`, { datadir });
  }
  writeDatadirSpec(datadir, given);
  return given;
}
