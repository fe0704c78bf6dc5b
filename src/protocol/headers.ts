import type { RawTaggedField } from './primitives/reader.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';
import { ProtocolError } from './errors.js';

/**
 * Request header. v0: api key, version, correlation id; v1 adds the client id (a nullable
 * int16 string, even in flexible versions); v2 adds tagged fields.
 */
export interface RequestHeader {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  clientId: string | null;
  unknownTaggedFields?: RawTaggedField[];
}

/** Response header. v0: correlation id; v1 adds tagged fields. */
export interface ResponseHeader {
  correlationId: number;
  unknownTaggedFields?: RawTaggedField[];
}

export function decodeRequestHeader(r: Reader, headerVersion: number): RequestHeader {
  if (headerVersion < 0 || headerVersion > 2) {
    throw new ProtocolError('unsupported-version', `request header version ${headerVersion}`);
  }
  const header: RequestHeader = {
    requestApiKey: r.int16(),
    requestApiVersion: r.int16(),
    correlationId: r.int32(),
    clientId: headerVersion >= 1 ? r.nullableString() : null,
  };
  if (headerVersion >= 2) {
    const unknown = r.taggedFields();
    if (unknown !== undefined) header.unknownTaggedFields = unknown;
  }
  return header;
}

export function encodeRequestHeader(w: Writer, header: RequestHeader, headerVersion: number): void {
  if (headerVersion < 0 || headerVersion > 2) {
    throw new ProtocolError('unsupported-version', `request header version ${headerVersion}`);
  }
  w.int16(header.requestApiKey).int16(header.requestApiVersion).int32(header.correlationId);
  if (headerVersion >= 1) w.nullableString(header.clientId);
  if (headerVersion >= 2) w.taggedFields([], header.unknownTaggedFields);
}

export function decodeResponseHeader(r: Reader, headerVersion: number): ResponseHeader {
  if (headerVersion < 0 || headerVersion > 1) {
    throw new ProtocolError('unsupported-version', `response header version ${headerVersion}`);
  }
  const header: ResponseHeader = { correlationId: r.int32() };
  if (headerVersion >= 1) {
    const unknown = r.taggedFields();
    if (unknown !== undefined) header.unknownTaggedFields = unknown;
  }
  return header;
}

export function encodeResponseHeader(w: Writer, header: ResponseHeader, headerVersion: number): void {
  if (headerVersion < 0 || headerVersion > 1) {
    throw new ProtocolError('unsupported-version', `response header version ${headerVersion}`);
  }
  w.int32(header.correlationId);
  if (headerVersion >= 1) w.taggedFields([], header.unknownTaggedFields);
}

/**
 * Peeks the api key and version of a request frame without decoding the rest: the router needs
 * them to choose the header version and the handler.
 */
export function peekRequestApi(frame: Buffer): { apiKey: number; apiVersion: number } {
  const r = new Reader(frame);
  return { apiKey: r.int16(), apiVersion: r.int16() };
}
