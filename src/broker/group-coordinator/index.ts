export {
  GroupCoordinator,
  type CoordinatorStatus,
  type GroupCoordinatorOptions,
  type GroupDescription,
  type GroupListing,
} from './coordinator.js';
export {
  DEFAULT_RETENTION_CHECK_INTERVAL_MS,
  groupCoordinatorConfig,
  type GroupCoordinatorConfig,
} from './core.js';
export type { JoinResult, MemberProtocol, SyncResult } from './group.js';
export { GroupState, groupTransitions, IllegalGroupTransition } from './group-state.js';
export type { GroupLag, PartitionLag, PartitionOwner } from './lag.js';
export type { HeartbeatRequest, JoinRequest, LeaveResult, LeavingMember, SyncRequest } from './membership.js';
export type {
  CommitPartition,
  CommitRequest,
  FetchedOffset,
  FetchResult,
  OffsetDeleteResult,
} from './offsets.js';
export { OFFSETS_TOPIC } from './offsets-log.js';
