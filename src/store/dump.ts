/**
 * A canonical text dump of every table, row by row in primary-key order: integers in decimal, blobs
 * as `x'…'` hex, text as JSON strings, NULL as `NULL`. Two stores hold the same data exactly when
 * their dumps are equal; tests compare dumps to prove that disconnect restores the previous state,
 * and `dumpDigest` gives one hash per table for quick comparisons (e.g. a module's CT-6 test).
 */
import type Database from 'better-sqlite3';
import { sha256 } from '../crypto/hash.ts';
import { toHex, utf8 } from '../util/bytes.ts';
import { TABLES } from './schema.ts';
import type { StoreDump } from './types.ts';

function cell(v: unknown): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (v instanceof Uint8Array) return `x'${toHex(v)}'`;
  return JSON.stringify(v);
}

/** Dumps every table of the schema. */
export function dumpTables(db: Database.Database): StoreDump {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const rows = db.prepare(`SELECT * FROM ${t.name} ORDER BY ${t.order}`).raw(true).safeIntegers(true).all() as unknown[][];
    out[t.name] = rows.map((r) => r.map(cell).join('|'));
  }
  return out;
}

/** SHA-256 (hex) of each table's dump. Example: `dumpDigest(store.dump()).txout`. */
export function dumpDigest(dump: StoreDump): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, rows] of Object.entries(dump)) out[name] = toHex(sha256(utf8(rows.join('\n'))));
  return out;
}
