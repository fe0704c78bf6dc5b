/**
 * Stable error codes of the stream engine. Every failure the engine raises on purpose carries one
 * of these, so callers (the CLI, tests, the SQL layer later) can tell a bad job definition from a
 * broken input or a bug.
 */
export const StreamErrorCode = {
  /** The job or an operator is configured wrongly (a bad duration, a missing option …). */
  config: 'RIV_ERR_STREAM_CONFIG',
  /** A record cannot be processed as declared (an event-time window without timestamps …). */
  record: 'RIV_ERR_STREAM_RECORD',
  /** A checkpoint or savepoint cannot be written, read or matched to the job. */
  checkpoint: 'RIV_ERR_STREAM_CHECKPOINT',
  /** A source or sink failed while reading or writing outside the engine. */
  connector: 'RIV_ERR_STREAM_CONNECTOR',
  /** The job was cancelled. */
  cancelled: 'RIV_ERR_STREAM_CANCELLED',
} as const;
export type StreamErrorCode = (typeof StreamErrorCode)[keyof typeof StreamErrorCode];

/**
 * An error raised by the stream engine, with a stable {@link StreamErrorCode}.
 *
 * @example
 * ```ts
 * try { await env.execute(); } catch (e) { if (e instanceof StreamError && e.code === StreamErrorCode.checkpoint) … }
 * ```
 */
export class StreamError extends Error {
  readonly code: StreamErrorCode;

  constructor(code: StreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamError';
    this.code = code;
  }
}

/** Shorthand for a configuration error; the message must name the field and the accepted values. */
export function configError(message: string): StreamError {
  return new StreamError(StreamErrorCode.config, message);
}
