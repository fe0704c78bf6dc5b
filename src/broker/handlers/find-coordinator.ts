/**
 * FindCoordinator v0–v6. This broker coordinates every group and every transactional id, so
 * the answer is always this node; v4+ answers each of a batch of keys. A key type other than
 * GROUP (0) or TRANSACTION (1) gets INVALID_REQUEST, an empty transactional id
 * INVALID_REQUEST too (an empty group id is legal, as in Kafka).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { FindCoordinator, type Coordinator } from '../../protocol/messages/find-coordinator.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';

const GROUP = 0;
const TRANSACTION = 1;

export function findCoordinatorHandler(ctx: BrokerContext) {
  const answer = (key: string, keyType: number): Coordinator => {
    const bad = (keyType !== GROUP && keyType !== TRANSACTION) || (keyType === TRANSACTION && key === '');
    return {
      key,
      nodeId: bad ? -1 : ctx.logs.nodeId,
      host: bad ? '' : ctx.advertised.host,
      port: bad ? -1 : ctx.advertised.port,
      errorCode: bad ? ErrorCode.INVALID_REQUEST : ErrorCode.NONE,
      errorMessage: bad ? `key type ${keyType} with key '${key}' is not a coordinator key` : null,
    };
  };
  return defineHandler({
    api: FindCoordinator,
    versions: [0, 6],
    handle: (req, { apiVersion }) => {
      if (apiVersion >= 4) {
        return FindCoordinator.createResponse({
          coordinators: req.coordinatorKeys.map((k) => answer(k, req.keyType)),
        });
      }
      const c = answer(req.key, req.keyType);
      return FindCoordinator.createResponse({
        errorCode: c.errorCode,
        errorMessage: c.errorMessage,
        nodeId: c.nodeId,
        host: c.host,
        port: c.port,
      });
    },
    errorResponse: (req, errorCode) =>
      FindCoordinator.createResponse(
        req.coordinatorKeys.length > 0
          ? {
              coordinators: req.coordinatorKeys.map((key) => ({
                key,
                nodeId: -1,
                host: '',
                port: -1,
                errorCode,
                errorMessage: null,
              })),
            }
          : { errorCode, nodeId: -1, port: -1 },
      ),
  });
}
