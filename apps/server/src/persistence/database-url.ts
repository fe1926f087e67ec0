import * as path from 'node:path';

export type Dialect = 'sqlite' | 'postgresql';

export interface DatabaseTarget {
  dialect: Dialect;
  /** SQLite: absolute file path. PostgreSQL: the connection string without the schema parameter. */
  location: string;
  /** PostgreSQL schema (from `?schema=`), 'public' by default. */
  schema: string;
}

/** `file:./data/x.db` is relative to the process cwd; `postgresql://...?schema=s` selects PostgreSQL. */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  if (url.startsWith('file:')) {
    const file = url.slice('file:'.length).split('?')[0];
    return { dialect: 'sqlite', location: file === ':memory:' ? file : path.resolve(cwd, file), schema: 'main' };
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  return { dialect: 'postgresql', location: parsed.toString(), schema };
}
