import { Worker } from 'node:worker_threads';

type Value = string | number | boolean | null;

export interface WriteStatement {
  sql: string;
  params: Value[];
}

/*
 * The worker's code, run with `eval` so that the same source serves the compiled server and the
 * test runner (which has no compiled file to point a worker at). It opens its own connection to
 * the database file and runs each batch of statements as one transaction.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const prepared = new Map();
const statement = (sql) => {
  let s = prepared.get(sql);
  if (!s) {
    s = db.prepare(sql);
    // The flush's SQL is the same every time; anything else is not worth keeping.
    if (prepared.size < 64) prepared.set(sql, s);
  }
  return s;
};
const bind = (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
const runAll = db.transaction((statements) => {
  for (const { sql, params } of statements) statement(sql).run(...params.map(bind));
});
// Statements of transactions still being sent, by transaction id.
const open = new Map();
parentPort.on('message', ({ id, add, abort }) => {
  if (add) {
    const list = open.get(id);
    if (list) list.push(add);
    else open.set(id, [add]);
    return;
  }
  const statements = open.get(id) || [];
  open.delete(id);
  if (abort) return;
  try {
    runAll(statements);
    parentPort.postMessage({ id, ok: true });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: error && error.message ? error.message : String(error) });
  }
});
`;

/**
 * Runs SQLite write transactions on a worker thread. better-sqlite3 is synchronous: a flush of
 * tens of thousands of rows on the main thread stops MQTT, REST and WebSocket traffic for as long
 * as it takes. The promise resolves once the transaction committed, so acknowledgements still
 * follow the commit.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private failure: Error | null = null;

  constructor(file: string, busyTimeoutMs = 10_000) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, busyTimeoutMs, driver: require.resolve('better-sqlite3') } });
    // A process with nothing else to do must not stay up for an idle writer.
    this.worker.unref();
    this.worker.on('message', (reply: { id: number; ok: boolean; message?: string }) => {
      const entry = this.waiting.get(reply.id);
      if (!entry) return;
      this.waiting.delete(reply.id);
      if (reply.ok) entry.resolve();
      else entry.reject(new Error(reply.message));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const entry of this.waiting.values()) entry.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`SQLite writer exited (${code})`)));
  }

  /** Whether it can still take work (its thread has not died). */
  get usable(): boolean {
    return this.failure === null;
  }

  /**
   * A transaction whose statements are handed over one at a time, as they are made: the worker
   * keeps them and runs them all in one transaction at `commit`. A flush's statement texts then
   * live on the main thread only until they are posted, instead of until the last one is ready
   * (at ten thousand gateways they were megabytes a second that outlived two scavenges and filled
   * the old generation). All of them commit, or none; `abort` drops what was sent.
   */
  begin(): { add(statement: WriteStatement): void; commit(): Promise<void>; abort(): void } {
    const id = this.nextId++;
    let ended = false;
    const post = (message: { id: number; add?: WriteStatement; abort?: true }) => {
      if (!this.failure) this.worker.postMessage(message);
    };
    return {
      add: (statement) => {
        if (ended) throw new Error('transaction already ended');
        post({ id, add: statement });
      },
      commit: () => {
        if (ended) return Promise.reject(new Error('transaction already ended'));
        ended = true;
        if (this.failure) return Promise.reject(this.failure);
        return new Promise<void>((resolve, reject) => {
          this.waiting.set(id, { resolve, reject });
          this.worker.postMessage({ id });
        });
      },
      abort: () => {
        if (ended) return;
        ended = true;
        post({ id, abort: true });
      },
    };
  }

  async close(): Promise<void> {
    if (this.failure) return;
    this.failure = new Error('SQLite writer closed');
    await this.worker.terminate();
  }
}
