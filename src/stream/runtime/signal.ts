/**
 * Everything that flows between tasks besides records. Tasks handle each kind in one exhaustive
 * `switch`, so adding a kind is a compile error until every task handles it.
 *
 * - `watermark`: event time has reached `time`: no later record on this channel has a timestamp
 *   ≤ `time` (records that do are late). `Infinity` means the input has ended.
 * - `idle`: the channel will send nothing for a while; it no longer holds back the watermark.
 * - `barrier`: checkpoint `checkpointId` passes here; everything before it is in the snapshot.
 * - `endOfData`: the channel is finished (after its final watermark).
 */
export type Signal =
  | { readonly kind: 'watermark'; readonly time: number }
  | { readonly kind: 'idle' }
  | { readonly kind: 'barrier'; readonly checkpointId: number }
  | { readonly kind: 'endOfData' };

/** The watermark a channel starts with: nothing is known yet. */
export const MIN_WATERMARK = -Infinity;
/** The watermark of an ended input: every timer and window fires. */
export const MAX_WATERMARK = Infinity;

/** Makes an exhaustive `switch` fail to compile when a case is missing. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
