/**
 * The shared part of the tx_valid.json / tx_invalid.json conformance tests: reading the rows, parsing
 * each transaction, matching its prevout scripts, setting witness rows aside (counted as skipped), and
 * the property-run count and seed both tests use.
 */
import { parseTransaction } from '../../src/chain/transaction.ts';
import { fromHex } from '../../src/util/bytes.ts';
import { isWitnessCase, parseTxVectorRows, prevoutScripts } from './scriptNotation.ts';
import type { TxCase } from './scriptNotation.ts';
import { readVectorJson } from './vectors.ts';

/** Random flag sets tried per row (CCHOST_FUZZ_RUNS / 1000, at least 1). */
export const TX_VECTOR_RUNS = Math.max(1, Math.floor(Number(process.env['CCHOST_FUZZ_RUNS'] ?? '1000') / 1000));
/** Seed of those random flag sets (CCHOST_FUZZ_SEED). */
export const TX_VECTOR_SEED = Number(process.env['CCHOST_FUZZ_SEED'] ?? '20260427');

/** A parsed legacy row, with `where` naming it in failure messages. */
export interface LegacyTxCase extends TxCase {
  readonly where: string;
}

/** The legacy rows of a file, the witness rows skipped, and one failure per row that does not parse. */
export interface LegacyTxRows {
  readonly cases: LegacyTxCase[];
  readonly skipped: number;
  readonly unparsed: string[];
}

/**
 * Reads a tx_valid/tx_invalid file of the vectors folder (path relative to it).
 * Example: `const { cases, skipped, unparsed } = legacyTxRows('bitcoin/tx_valid.json')`.
 */
export function legacyTxRows(file: string): LegacyTxRows {
  const cases: LegacyTxCase[] = [];
  const unparsed: string[] = [];
  let skipped = 0;
  for (const row of parseTxVectorRows(readVectorJson<unknown[][]>(file))) {
    const parsed = parseTransaction(fromHex(row.txHex));
    const tx = parsed.ok ? parsed.value : undefined;
    const scripts = tx !== undefined ? prevoutScripts(row, tx) : [];
    if (isWitnessCase(row, tx, scripts)) {
      skipped++;
      continue;
    }
    const where = `row ${row.index} (${row.comment.slice(0, 80)})`;
    if (tx === undefined) {
      unparsed.push(`${where}: does not parse: ${!parsed.ok ? parsed.error.message : ''}`);
      continue;
    }
    cases.push({ row, tx, prevoutScripts: scripts, where });
  }
  return { cases, skipped, unparsed };
}
