import { ProtocolError } from './errors.js';
import type { Reader } from './primitives/reader.js';
import type { Writer } from './primitives/writer.js';

/**
 * One Kafka API as the generated code describes it: its key and versions, which header versions
 * frame it, and the codecs of its request and response. Every generated module exports one
 * (`Metadata`, `Produce`, …); `apiSpecs` in `api-keys.ts` has them all by api key.
 *
 * @example
 * ```ts
 * const w = new Writer();
 * Metadata.encodeRequest(w, Metadata.createRequest({ topics: null }), 12);
 * const req = Metadata.decodeRequest(new Reader(w.finish()), 12);
 * ```
 */
export interface ApiSpec<Req, Res> {
  readonly apiKey: number;
  /** Kafka's name of the API, e.g. `'Metadata'`. */
  readonly name: string;
  /** `validVersions` of the spec. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The first flexible version (compact encodings, tagged fields), or null if none is. */
  readonly flexibleMinVersion: number | null;
  /** 2 if `version` is flexible, else 1; ControlledShutdown v0 uses 0. */
  requestHeaderVersion(version: number): number;
  /** 1 if `version` is flexible, else 0; ApiVersions responses always use 0. */
  responseHeaderVersion(version: number): number;
  encodeRequest(w: Writer, msg: Req, version: number): void;
  decodeRequest(r: Reader, version: number): Req;
  encodeResponse(w: Writer, msg: Res, version: number): void;
  decodeResponse(r: Reader, version: number): Res;
  /** A request with every field at its default, overridden by `partial`. */
  createRequest(partial?: Partial<Req>): Req;
  createResponse(partial?: Partial<Res>): Res;
}

/**
 * A message that is not an API request or response: the request/response headers, the
 * consumer protocol's subscription and assignment, KRaft's control records.
 */
export interface MessageSpec<T> {
  /** Kafka's name of the message, e.g. `'ConsumerProtocolAssignment'`. */
  readonly name: string;
  readonly type: 'header' | 'data';
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly flexibleMinVersion: number | null;
  encode(w: Writer, msg: T, version: number): void;
  decode(r: Reader, version: number): T;
  create(partial?: Partial<T>): T;
}

// The rest supports the generated codecs; it is exported for them, not for callers.

/** A known tagged field to write: its tag and how to write its value. */
export type TaggedFieldWriter = readonly [number, (w: Writer) => void];

/** No known tagged fields to write. */
export const NO_TAGS: readonly TaggedFieldWriter[] = Object.freeze([]);

/** The default of a bytes field (an empty buffer can be shared: nothing can be written into it). */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

export function unsupportedVersion(
  message: string,
  version: number,
  min: number,
  max: number,
): ProtocolError {
  return new ProtocolError(
    'unsupported-version',
    `${message} v${version} is not supported (valid versions ${min}-${max})`,
  );
}

/** Kafka's rule: a non-default value in a field the version lacks is an error, unless ignorable. */
export function absentField(field: string, version: number): ProtocolError {
  return new ProtocolError(
    'unsupported-version',
    `${field} is set to a non-default value, but version ${version} does not have this field`,
  );
}

export function nullValue(field: string, version: number): ProtocolError {
  return new ProtocolError('invalid-value', `${field} is null, which version ${version} does not allow`);
}

export function taggedNotSupported(struct: string, version: number): ProtocolError {
  return new ProtocolError(
    'unsupported-version',
    `${struct} has tagged fields, but version ${version} is not flexible and cannot carry them`,
  );
}

/** Reads the presence byte of a nullable struct: -1 is null, 1 is a value. */
export function readPresence(r: Reader, field: string): boolean {
  const b = r.int8();
  if (b === 1) return true;
  if (b === -1) return false;
  throw new ProtocolError('invalid-value', `${field}: presence byte ${b} is neither 1 nor -1`);
}

/**
 * Ends a known tagged field: its declared size must match what its type consumed, or the field
 * was not what this tag means (and re-encoding would silently change the bytes).
 */
export function endTagged(r: Reader, struct: string, tag: number): true {
  if (r.remaining !== 0) {
    throw new ProtocolError(
      'invalid-value',
      `${struct}: tagged field ${tag} has ${r.remaining} bytes left over`,
    );
  }
  return true;
}
