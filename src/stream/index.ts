// The stream engine's public API: re-exports only.
export { StreamEnvironment } from './api/environment.js';
export type {
  CheckpointOptions,
  EnvironmentOptions,
  ExecuteOptions,
  SourceOptions,
} from './api/environment.js';
export { ConnectedKeyedStreams, DataStream, KeyedStream } from './api/streams.js';
export type { NodeOptions } from './api/options.js';
