export * from './types';
export { buildConnections } from './build';
export * from './probes';
