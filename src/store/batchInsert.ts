/**
 * Multi-row INSERTs. A block writes thousands of `tx` and `txout` rows; one statement per row pays
 * better-sqlite3's per-call cost each time, so rows are queued and written `BATCH_ROWS` at a time
 * through one prepared `INSERT ... VALUES (...), (...), ...` (the tail goes row by row). A batch
 * that violates a constraint is undone by SQLite as a whole statement; its rows are then written one
 * at a time so the caller learns exactly which row failed.
 */
import type Database from 'better-sqlite3';

/** Rows per multi-row statement. */
export const BATCH_ROWS = 32;

/** A row that could not be inserted, with the error SQLite gave. */
export class RowInsertError extends Error {
  constructor(
    readonly row: readonly unknown[],
    readonly tag: unknown,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'RowInsertError';
  }
}

/** Prepared single- and multi-row INSERTs for one table. */
export class BatchInsert {
  private readonly one: Database.Statement;
  private readonly many: Database.Statement;

  /** `head` is `INSERT INTO t (a, b, ...)`; `columns` is the number of values per row. */
  constructor(db: Database.Database, head: string, readonly columns: number) {
    const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
    this.one = db.prepare(`${head} VALUES ${row}`);
    this.many = db.prepare(`${head} VALUES ${new Array<string>(BATCH_ROWS).fill(row).join(', ')}`);
  }

  /**
   * A queue of rows for this table. A refused row becomes a RowInsertError carrying the row's tag;
   * `refused` (when given) sees it first and may throw something else instead.
   */
  queue(refused?: (e: RowInsertError) => never): RowQueue {
    return new RowQueue(this, refused);
  }

  /** @internal */ runOne(row: readonly unknown[]): void {
    this.one.run(row);
  }

  /** @internal */ runMany(flat: readonly unknown[]): void {
    this.many.run(flat);
  }
}

/** Rows waiting to be written; `flush()` writes what is left. */
export class RowQueue {
  private flat: unknown[] = [];
  private tags: unknown[] = [];

  constructor(
    private readonly target: BatchInsert,
    private readonly refused: ((e: RowInsertError) => never) | undefined,
  ) {}

  /** Queues one row: exactly `columns` values in column order; writes a full batch at once. */
  add(tag: unknown, ...values: unknown[]): void {
    if (values.length !== this.target.columns) throw new RangeError(`a row has ${values.length} values; the statement takes ${this.target.columns}`);
    for (const v of values) this.flat.push(v);
    this.tags.push(tag);
    if (this.tags.length === BATCH_ROWS) this.writeBatch();
  }

  /** Writes the queued rows. Throws RowInsertError naming the first row SQLite refused. */
  flush(): void {
    for (let i = 0; i < this.tags.length; i++) this.writeOne(i);
    this.reset();
  }

  private writeBatch(): void {
    try {
      this.target.runMany(this.flat);
    } catch {
      // The statement was undone as a whole: replay it row by row to name the culprit.
      for (let i = 0; i < this.tags.length; i++) this.writeOne(i);
    }
    this.reset();
  }

  private writeOne(i: number): void {
    const n = this.target.columns;
    const row = this.flat.slice(i * n, (i + 1) * n);
    try {
      this.target.runOne(row);
    } catch (e) {
      const error = new RowInsertError(row, this.tags[i], e);
      this.refused?.(error);
      throw error;
    }
  }

  private reset(): void {
    this.flat = [];
    this.tags = [];
  }
}
