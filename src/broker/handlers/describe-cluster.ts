/**
 * DescribeCluster v0–v1. One broker, which is also the controller. Endpoint type 1 (brokers) is
 * the only one; asking for controllers (2) gets UNSUPPORTED_ENDPOINT_TYPE, as from a Kafka
 * broker. Authorized operations: everything, when asked (no authorization yet).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { DescribeCluster } from '../../protocol/messages/describe-cluster.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';

const BROKERS = 1;
const CLUSTER_OPS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

export function describeClusterHandler(ctx: BrokerContext) {
  return defineHandler({
    api: DescribeCluster,
    versions: [0, 1],
    handle: (req) => {
      if (req.endpointType !== BROKERS) {
        return DescribeCluster.createResponse({
          errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
          errorMessage: `endpoint type ${req.endpointType} is not served; only brokers (1)`,
          endpointType: req.endpointType,
        });
      }
      return DescribeCluster.createResponse({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        endpointType: BROKERS,
        clusterId: ctx.logs.clusterId,
        controllerId: ctx.logs.nodeId,
        brokers: [
          { brokerId: ctx.logs.nodeId, host: ctx.advertised.host, port: ctx.advertised.port, rack: null },
        ],
        clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPS : -2147483648,
      });
    },
  });
}
