import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { BATCH_ROWS, BatchInsert, RowInsertError } from '../../src/store/batchInsert.ts';

function table(): { db: Database.Database; ins: BatchInsert } {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)');
  return { db, ins: new BatchInsert(db, 'INSERT INTO t (k, v)', 2) };
}

const rows = (db: Database.Database) => db.prepare('SELECT k, v FROM t ORDER BY k').raw(true).all();

test('queued rows land exactly as row-by-row inserts would, across full batches and the tail', () => {
  const { db, ins } = table();
  const n = BATCH_ROWS * 3 + 5;
  const q = ins.queue();
  for (let i = 0; i < n; i++) q.add(i, i * 7, Buffer.from([i & 0xff, 1]));
  q.flush();
  const got = rows(db);
  assert.equal(got.length, n);
  assert.deepEqual(got[n - 1], [(n - 1) * 7, Buffer.from([(n - 1) & 0xff, 1])]);
  q.flush(); // nothing queued: nothing written twice
  assert.equal(rows(db).length, n);
});

for (const where of [{ name: 'inside a full batch', at: BATCH_ROWS + 3 }, { name: 'in the tail', at: BATCH_ROWS * 2 + 1 }]) {
  test(`a refused row ${where.name} is named by its tag`, () => {
    const { ins } = table();
    const q = ins.queue();
    let error: unknown;
    try {
      for (let i = 0; i < BATCH_ROWS * 2 + 3; i++) q.add(`row ${i}`, i === where.at ? 5 : i, Buffer.of(i)); // key 5 twice
      q.flush();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof RowInsertError, String(error));
    assert.equal(error.tag, `row ${where.at}`);
    assert.match(String((error.cause as { code?: string }).code), /^SQLITE_CONSTRAINT/);
  });
}

test('a row with the wrong number of values is refused before SQLite sees it', () => {
  const { ins } = table();
  assert.throws(() => ins.queue().add('x', 1), RangeError);
});
