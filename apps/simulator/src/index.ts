export * from './simulation';
export * from './gateway';
export * from './ledger';
export * from './progress';
export * from './credentials-file';
export * from './clock-state';
export * from './shards';
