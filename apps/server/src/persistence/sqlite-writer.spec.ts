import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteWriter } from './sqlite-writer';

describe('SqliteWriter', () => {
  let dir: string;
  let file: string;
  let writer: SqliteWriter;
  const values = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT v FROM t ORDER BY v').pluck().all();
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-writer-'));
    file = path.join(dir, 'w.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v INTEGER NOT NULL UNIQUE)');
    db.close();
    writer = new SqliteWriter(file);
  });

  afterEach(async () => {
    await writer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (v: number) => ({ sql: 'INSERT INTO t (v) VALUES (?)', params: [v] });

  it('commits the statements handed over one at a time as one transaction', async () => {
    const transaction = writer.begin();
    transaction.add(insert(1));
    transaction.add(insert(2));
    expect(values()).toEqual([]);
    await transaction.commit();
    expect(values()).toEqual([1, 2]);
  });

  it('writes none of a transaction whose last statement fails', async () => {
    const first = writer.begin();
    first.add(insert(5));
    await first.commit();
    const transaction = writer.begin();
    transaction.add(insert(6));
    transaction.add(insert(5)); // UNIQUE
    await expect(transaction.commit()).rejects.toThrow(/UNIQUE/);
    expect(values()).toEqual([5]);
  });

  it('drops an aborted transaction and keeps two open ones apart', async () => {
    const dropped = writer.begin();
    const kept = writer.begin();
    dropped.add(insert(7));
    kept.add(insert(8));
    dropped.abort();
    kept.add(insert(9));
    await kept.commit();
    expect(values()).toEqual([8, 9]);
    expect(() => dropped.add(insert(10))).toThrow(/ended/);
  });
});
