import type { CheckpointData } from './format.js';

/** Where a written checkpoint went. */
export interface CheckpointLocation {
  /** A path or URI that {@link CheckpointStorage.read} accepts. */
  readonly location: string;
  readonly bytes: number;
}

/**
 * Durable storage of checkpoints. Writes must be atomic: a reader sees a whole checkpoint or
 * none. The embedded default is a local directory ({@link FileCheckpointStorage}); a Kafka
 * changelog implementation can follow.
 */
export interface CheckpointStorage {
  write(data: CheckpointData): Promise<CheckpointLocation>;
  /** The newest complete checkpoint (savepoints excluded), or undefined. */
  latest(): Promise<CheckpointData | undefined>;
  read(location: string): Promise<CheckpointData>;
}
