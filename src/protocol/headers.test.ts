import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestHeader, ResponseHeader } from './headers.js';
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  peekRequestApi,
} from './headers.js';
import { RequestHeaderSpec, ResponseHeaderSpec } from './messages/index.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

function requestBytes(h: RequestHeader, version: number): Buffer {
  const w = new Writer(16);
  encodeRequestHeader(w, h, version);
  return Buffer.from(w.finish());
}

function responseBytes(h: ResponseHeader, version: number): Buffer {
  const w = new Writer(16);
  encodeResponseHeader(w, h, version);
  return Buffer.from(w.finish());
}

const header: RequestHeader = {
  requestApiKey: 3,
  requestApiVersion: 12,
  correlationId: 42,
  clientId: 'rdkafka',
};

describe('request header', () => {
  it('v0 is api key, version, correlation id', () => {
    expect(requestBytes(header, 0)).toEqual(hex('0003 000c 0000002a'));
    expect(decodeRequestHeader(new Reader(hex('0003 000c 0000002a')), 0)).toEqual({
      ...header,
      clientId: null,
    });
  });

  it('v1 adds the client id as a nullable int16 string', () => {
    const bytes = hex('0003 000c 0000002a 0007 72646b61666b61');
    expect(requestBytes(header, 1)).toEqual(bytes);
    expect(decodeRequestHeader(new Reader(bytes), 1)).toEqual(header);
    expect(requestBytes({ ...header, clientId: null }, 1)).toEqual(hex('0003 000c 0000002a ffff'));
  });

  it('v2 keeps the int16 client id and adds tagged fields, preserving unknown ones', () => {
    const bytes = hex('0003 000c 0000002a 0007 72646b61666b61 01 05 01 ff');
    const decoded = decodeRequestHeader(new Reader(bytes), 2);
    expect(decoded).toEqual({ ...header, unknownTaggedFields: [{ tag: 5, data: hex('ff') }] });
    expect(requestBytes(decoded, 2)).toEqual(bytes);
    expect(requestBytes(header, 2)).toEqual(hex('0003 000c 0000002a 0007 72646b61666b61 00'));
  });

  it('agrees with the codec generated from RequestHeader.json (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x7fff }),
        fc.integer({ min: 0, max: 0x7fff }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.option(fc.string({ maxLength: 20 }), { nil: null }),
        fc.integer({ min: 1, max: 2 }),
        (requestApiKey, requestApiVersion, correlationId, clientId, version) => {
          const h = { requestApiKey, requestApiVersion, correlationId, clientId };
          const w = new Writer(16);
          RequestHeaderSpec.encode(w, h, version);
          const generated = Buffer.from(w.finish());
          expect(requestBytes(h, version)).toEqual(generated);
          expect(decodeRequestHeader(new Reader(generated), version)).toEqual(h);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses header versions that do not exist', () => {
    for (const v of [-1, 3]) {
      expect(() => requestBytes(header, v)).toThrow(expect.objectContaining({ kind: 'unsupported-version' }));
      expect(() => decodeRequestHeader(new Reader(Buffer.alloc(16)), v)).toThrow(
        expect.objectContaining({ kind: 'unsupported-version' }),
      );
    }
  });

  it('fails with a ProtocolError on a truncated header', () => {
    expect(() => decodeRequestHeader(new Reader(hex('0003 000c 0000')), 1)).toThrow(
      expect.objectContaining({ kind: 'truncated' }),
    );
    expect(() => decodeRequestHeader(new Reader(hex('0003 000c 0000002a 0009 72')), 1)).toThrow(
      expect.objectContaining({ kind: 'invalid-length' }),
    );
  });

  it('peekRequestApi reads only the api key and version', () => {
    expect(peekRequestApi(hex('0012 0003 00000001'))).toEqual({ apiKey: 18, apiVersion: 3 });
    expect(() => peekRequestApi(hex('00'))).toThrow(expect.objectContaining({ kind: 'truncated' }));
  });
});

describe('response header', () => {
  it('v0 is the correlation id; v1 adds tagged fields', () => {
    expect(responseBytes({ correlationId: 42 }, 0)).toEqual(hex('0000002a'));
    expect(responseBytes({ correlationId: 42 }, 1)).toEqual(hex('0000002a 00'));
    const bytes = hex('0000002a 01 00 02 abcd');
    const decoded = decodeResponseHeader(new Reader(bytes), 1);
    expect(decoded).toEqual({ correlationId: 42, unknownTaggedFields: [{ tag: 0, data: hex('abcd') }] });
    expect(responseBytes(decoded, 1)).toEqual(bytes);
    expect(decodeResponseHeader(new Reader(hex('0000002a')), 0)).toEqual({ correlationId: 42 });
  });

  it('agrees with the codec generated from ResponseHeader.json', () => {
    for (const version of [0, 1]) {
      const w = new Writer(8);
      ResponseHeaderSpec.encode(w, { correlationId: -7 }, version);
      expect(responseBytes({ correlationId: -7 }, version)).toEqual(Buffer.from(w.finish()));
    }
  });

  it('refuses header versions that do not exist', () => {
    expect(() => responseBytes({ correlationId: 1 }, 2)).toThrow(
      expect.objectContaining({ kind: 'unsupported-version' }),
    );
    expect(() => decodeResponseHeader(new Reader(Buffer.alloc(8)), -1)).toThrow(
      expect.objectContaining({ kind: 'unsupported-version' }),
    );
  });
});
