/**
 * Locates the shared conformance vectors. They are read from `../shared/vectors` beside the checkout,
 * or from the folder named by `CCHOST_VECTORS`. A missing folder is an error, never a silent pass.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The vectors folder; throws with instructions when it is missing. */
export function vectorsDir(): string {
  const dir = process.env['CCHOST_VECTORS'] ?? join(repoRoot, '..', 'shared', 'vectors');
  if (!existsSync(dir)) {
    throw new Error(
      `conformance vectors not found at ${dir}: check out the shared folder beside the repository ` +
        `(../shared/vectors) or set CCHOST_VECTORS to its path`,
    );
  }
  return dir;
}

/** Absolute path of a file inside the vectors folder; throws when the file is missing. */
export function vectorPath(rel: string): string {
  const p = join(vectorsDir(), rel);
  if (!existsSync(p)) throw new Error(`conformance vector file missing: ${p}`);
  return p;
}

/** Parsed JSON of a vector file. */
export function readVectorJson<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(vectorPath(rel), 'utf8')) as T;
}

/** Text of a vector file. */
export function readVectorText(rel: string): string {
  return readFileSync(vectorPath(rel), 'utf8');
}

/**
 * Prints a conformance tally in the plain form CI reads, e.g.
 * `script_tests: 1086 passed, 0 failed, 136 skipped (witness)`.
 */
export function printTally(name: string, passed: number, failed: number, skipped = 0, why = ''): void {
  const skip = skipped > 0 ? `, ${skipped} skipped${why ? ` (${why})` : ''}` : '';
  console.log(`${name}: ${passed} passed, ${failed} failed${skip}`);
}
