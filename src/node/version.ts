/** The cchost version, read once from package.json. */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The `version` field of package.json (e.g. `0.1.0`). */
export function cchostVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  }
  return cached;
}
