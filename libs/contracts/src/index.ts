export * from './money';
export * from './time';
export * from './domain';
export * from './topics';
export * from './payloads';
export * from './api';
export * from './ws';
export * from './limits';
