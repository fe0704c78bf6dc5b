/**
 * ApiVersions v0–v4. Lists every API the router serves with its version range, derived from the
 * handler registry (never a hand-kept table). A request at a version newer than we know gets a v0
 * answer with UNSUPPORTED_VERSION and the full list (KIP-511), which the router encodes.
 * Not implemented: supported/finalized features (empty: no feature flags on a single node).
 */
import { ApiVersions, type ApiVersionsResponse } from '../../protocol/messages/api-versions.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiVersionRange } from '../router.js';

export function apiVersionsHandler(supported: () => ApiVersionRange[]) {
  const respond = (errorCode: number): ApiVersionsResponse =>
    ApiVersions.createResponse({ errorCode, apiKeys: supported().map((a) => ({ ...a })) });
  return defineHandler({
    api: ApiVersions,
    versions: [0, 4],
    handle: (req) => {
      // KIP-511 asks clients to send a name and version; v3+ validates them like Kafka does.
      const valid = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;
      if (
        req.clientSoftwareName !== '' &&
        (!valid.test(req.clientSoftwareName) || !valid.test(req.clientSoftwareVersion))
      ) {
        return respond(ErrorCode.INVALID_REQUEST);
      }
      return respond(ErrorCode.NONE);
    },
    errorResponse: (_req, errorCode) => respond(errorCode),
  });
}
