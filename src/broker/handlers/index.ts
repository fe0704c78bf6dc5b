import type { BrokerContext } from '../context.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import type { ProducerIdAllocator } from '../producer-ids.js';
import type { ApiVersionRange, Handler } from '../router.js';
import { alterConfigsHandlers } from './alter-configs.js';
import { apiVersionsHandler } from './api-versions.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteGroupsHandler } from './delete-groups.js';
import { deleteRecordsHandler } from './delete-records.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { describeGroupsHandler } from './describe-groups.js';
import { fetchHandler } from './fetch.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { heartbeatHandler } from './heartbeat.js';
import { initProducerIdHandler } from './init-producer-id.js';
import { joinGroupHandler } from './join-group.js';
import { leaveGroupHandler } from './leave-group.js';
import { listGroupsHandler } from './list-groups.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { offsetCommitHandler } from './offset-commit.js';
import { offsetDeleteHandler } from './offset-delete.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.js';
import { produceHandler } from './produce.js';
import { syncGroupHandler } from './sync-group.js';

/** Every handler the broker serves. ApiVersions is derived from this list. */
export function brokerHandlers(
  ctx: BrokerContext,
  services: {
    producerIds: ProducerIdAllocator;
    groups: GroupCoordinator;
    supportedApis: () => ApiVersionRange[];
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Handler<any, any>[] {
  return [
    apiVersionsHandler(services.supportedApis),
    metadataHandler(ctx),
    produceHandler(ctx),
    fetchHandler(ctx),
    listOffsetsHandler(ctx),
    findCoordinatorHandler(ctx),
    offsetForLeaderEpochHandler(ctx),
    createTopicsHandler(ctx),
    deleteTopicsHandler(ctx, services.groups),
    createPartitionsHandler(ctx),
    describeConfigsHandler(ctx),
    ...alterConfigsHandlers(ctx),
    deleteRecordsHandler(ctx),
    describeClusterHandler(ctx),
    initProducerIdHandler(ctx, services.producerIds),
    offsetCommitHandler(services.groups),
    offsetFetchHandler(services.groups),
    joinGroupHandler(services.groups),
    heartbeatHandler(services.groups),
    leaveGroupHandler(services.groups),
    syncGroupHandler(services.groups),
    describeGroupsHandler(services.groups),
    listGroupsHandler(services.groups),
    deleteGroupsHandler(services.groups),
    offsetDeleteHandler(services.groups),
  ];
}
