import { describe, expect, it } from 'vitest';
import { ApiKey } from '../protocol/api-keys.js';
import { Fetch, Metadata, Produce } from '../protocol/messages/index.js';
import { isRivuletError } from '../shared/errors.js';
import { addSequence } from './producer-batch.js';
import { parseBootstrapAddress, resolveClientOptions } from './options.js';
import { clientRange, NegotiatedVersions } from './versions.js';

describe('version negotiation', () => {
  it('picks the highest version both sides support', () => {
    const v = new NegotiatedVersions(
      [
        { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 9 },
        { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 99 },
      ],
      'b:9092',
    );
    expect(v.version(Metadata)).toBe(9);
    expect(v.version(Produce)).toBe(clientRange(Produce)[1]);
  });

  it('refuses an API with no common version, naming both ranges', () => {
    const v = new NegotiatedVersions([{ apiKey: ApiKey.Fetch, minVersion: 0, maxVersion: 3 }], 'b:9092');
    expect(v.supports(Fetch)).toBe(false);
    let caught: unknown;
    try {
      v.version(Fetch);
    } catch (err) {
      caught = err;
    }
    expect(isRivuletError(caught, 'RIV_ERR_UNSUPPORTED_VERSION')).toBe(true);
    expect((caught as Error).message).toBe(
      `broker b:9092 supports v0-v3 for Fetch; this client needs v4-v${Fetch.maxVersion}`,
    );
    expect(() => v.version(Produce)).toThrow('broker b:9092 does not support it for Produce');
  });
});

describe('client options', () => {
  it('parses bootstrap lists', () => {
    expect(resolveClientOptions({ bootstrap: 'a:1, b:2,[::1]:3,c' }).bootstrap).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
      { host: '::1', port: 3 },
      { host: 'c', port: 9092 },
    ]);
    expect(() => parseBootstrapAddress('a:b:c')).toThrow("bootstrap: expected HOST:PORT, got 'a:b:c'");
    expect(() => resolveClientOptions({ bootstrap: ' , ' })).toThrow('at least one HOST:PORT');
  });
});

describe('sequence numbers', () => {
  it('wrap from 2^31-1 to 0 as Kafka does', () => {
    expect(addSequence(5, 3)).toBe(8);
    expect(addSequence(0x7fffffff - 2, 3)).toBe(0);
    expect(addSequence(0x7fffffff, 1)).toBe(0);
    expect(addSequence(0x7fffffff - 1, 5)).toBe(3);
  });
});
