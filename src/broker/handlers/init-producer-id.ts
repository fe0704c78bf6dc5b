/**
 * InitProducerId v0–v5 for idempotent producers (no transactional id): every call gets a fresh
 * producer id at epoch 0, as Kafka does for non-transactional producers (also when a producer
 * re-initialises with its old id and epoch, KIP-360). Ids are never reused, across restarts too.
 * Not implemented yet: transactional ids (transactions are a later issue) — answered with
 * INVALID_REQUEST and one log line, so a transactional client fails fast instead of retrying.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { InitProducerId } from '../../protocol/messages/init-producer-id.js';
import { isStorageError } from '../../storage/errors.js';
import type { BrokerContext } from '../context.js';
import type { ProducerIdAllocator } from '../producer-ids.js';
import { defineHandler } from '../router.js';

export function initProducerIdHandler(ctx: BrokerContext, ids: ProducerIdAllocator) {
  return defineHandler({
    api: InitProducerId,
    versions: [0, 5],
    handle: async (req, rctx) => {
      if (req.transactionalId !== null) {
        rctx.log.warn('transactional producer refused: transactions are not implemented yet', {
          transactionalId: req.transactionalId,
          clientId: rctx.clientId,
        });
        return InitProducerId.createResponse({
          errorCode: ErrorCode.INVALID_REQUEST,
          producerId: -1n,
          producerEpoch: -1,
        });
      }
      try {
        const id = await ids.allocate();
        return InitProducerId.createResponse({
          errorCode: ErrorCode.NONE,
          producerId: BigInt(id),
          producerEpoch: 0,
        });
      } catch (err) {
        if (!isStorageError(err) && !(err instanceof Error && 'code' in err)) throw err;
        ctx.log.error('cannot reserve producer ids', { error: (err as Error).message });
        return InitProducerId.createResponse({
          errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
          producerId: -1n,
          producerEpoch: -1,
        });
      }
    },
    errorResponse: (_req, errorCode) =>
      InitProducerId.createResponse({ errorCode, producerId: -1n, producerEpoch: -1 }),
  });
}
