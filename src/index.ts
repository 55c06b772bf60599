/** redb as a typed library: the same operations the CLI runs. */
export * from './ops/index.js';
export {
  RedbError,
  errors,
  isRedbError,
  isRedbErrorCode,
  type AnyRedbError,
  type RedbErrorCode,
  type RedbErrorData,
  type RedbErrorJSON,
  type RedbErrorOf,
} from './errors.js';
export * from './unified/index.js';
export type { Adapter, Connection, Dialect, Capabilities } from './adapters/adapter.js';
export { loadAdapter, supportedEngines } from './adapters/registry.js';
export { parseDbUrl } from './adapters/url.js';
