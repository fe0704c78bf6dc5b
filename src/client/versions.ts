import type { ApiSpec } from '../protocol/api.js';
import { ApiKey, apiSpecs } from '../protocol/api-keys.js';
import { RivuletError } from '../shared/errors.js';

/**
 * The oldest version of each API this client can use, where that is above the spec's minimum:
 * record batches (magic 2) need Produce v3 and Fetch v4; a null topic list ("all topics") needs
 * Metadata v1; a single offset per partition needs ListOffsets v1; offsets kept by Kafka rather
 * than ZooKeeper need OffsetCommit v2 and OffsetFetch v1. Everything else the generated codecs
 * encode is usable from the spec's minimum to its maximum.
 */
const CLIENT_MIN: ReadonlyMap<number, number> = new Map([
  [ApiKey.Produce, 3],
  [ApiKey.Fetch, 4],
  [ApiKey.Metadata, 1],
  [ApiKey.ListOffsets, 1],
  // OffsetCommit v0 and OffsetFetch v0 read and write ZooKeeper; Kafka 4 drops them, and
  // OffsetCommit v1 too (KIP-896).
  [ApiKey.OffsetCommit, 2],
  [ApiKey.OffsetFetch, 1],
]);

/** Our inclusive version range for an API. */
export function clientRange(spec: ApiSpec<unknown, unknown>): readonly [number, number] {
  return [Math.max(spec.minVersion, CLIENT_MIN.get(spec.apiKey) ?? spec.minVersion), spec.maxVersion];
}

/** One broker's ApiVersions answer reduced to the version we use for each API (or -1 for none). */
export class NegotiatedVersions {
  private readonly chosen: Int16Array;
  private readonly broker = new Map<number, readonly [number, number]>();

  /**
   * Picks, per API, the highest version both sides support.
   *
   * @example
   * ```ts
   * const v = new NegotiatedVersions([{ apiKey: 3, minVersion: 0, maxVersion: 12 }], 'b:9092');
   * v.version(Metadata); // 12
   * ```
   */
  constructor(
    apiKeys: readonly { apiKey: number; minVersion: number; maxVersion: number }[],
    private readonly address: string,
    /** Highest versions to use, by Kafka API name (`{ Fetch: 11 }`): to behave like an older client. */
    caps: Readonly<Record<string, number>> = {},
  ) {
    let maxKey = 0;
    for (const a of apiKeys) maxKey = Math.max(maxKey, a.apiKey);
    this.chosen = new Int16Array(maxKey + 1).fill(-1);
    for (const a of apiKeys) {
      this.broker.set(a.apiKey, [a.minVersion, a.maxVersion]);
      const spec = apiSpecs.get(a.apiKey);
      if (spec === undefined || a.apiKey < 0) continue;
      const [min, max] = clientRange(spec);
      const v = Math.min(max, a.maxVersion, caps[spec.name] ?? Infinity);
      if (v >= Math.max(min, a.minVersion)) this.chosen[a.apiKey] = v;
    }
  }

  /** The version to use for `spec`; throws RIV_ERR_UNSUPPORTED_VERSION naming both ranges. */
  version(spec: ApiSpec<unknown, unknown>): number {
    const v = spec.apiKey < this.chosen.length ? this.chosen[spec.apiKey]! : -1;
    if (v >= 0) return v;
    const [min, max] = clientRange(spec);
    const b = this.broker.get(spec.apiKey);
    const theirs = b === undefined ? 'does not support it' : `supports v${b[0]}-v${b[1]}`;
    throw new RivuletError(
      'RIV_ERR_UNSUPPORTED_VERSION',
      `broker ${this.address} ${theirs} for ${spec.name}; this client needs v${min}-v${max}`,
    );
  }

  /** True when the broker and we share a version of `spec` (at least `atLeast`, if given). */
  supports(spec: ApiSpec<unknown, unknown>, atLeast = 0): boolean {
    const v = spec.apiKey < this.chosen.length ? this.chosen[spec.apiKey]! : -1;
    return v >= 0 && v >= atLeast;
  }
}
