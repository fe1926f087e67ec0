export * from './sales';
export * from './production';
export * from './ranking';
