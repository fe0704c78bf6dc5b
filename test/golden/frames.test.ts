import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeRequestHeader } from '../../src/protocol/headers.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import { FIXTURES_DIR, decodeBody, manifest, readFrame, specNamed } from './load.js';
import { fixtureName } from './manifest.js';
import { CLIENTS, PLANS } from './scenario.js';

/*
 * Every request frame captured from a real client (see README.md) against the
 * generated codecs: the header says what the manifest says, the body decodes at the captured
 * version using every byte, and encoding the decoded header and body gives back the same bytes.
 * The API-specific files check the decoded fields against what the capture script asked for.
 */

describe('the fixture set', () => {
  it('is exactly what the manifest lists', () => {
    const onDisk = readdirSync(FIXTURES_DIR, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.bin'))
      .sort();
    expect(onDisk).toEqual(manifest.fixtures.map((e) => e.file).sort());
  });

  it.each(CLIENTS)(
    'holds ApiVersions, Metadata, JoinGroup, Fetch and a Produce per planned codec from %s',
    (client) => {
      const mine = manifest.fixtures.filter((e) => e.client === client);
      expect(manifest.clients[client]?.software).toBeDefined();
      for (const api of ['ApiVersions', 'Metadata', 'JoinGroup', 'Fetch']) {
        expect(
          mine.filter((e) => e.api === api),
          api,
        ).toHaveLength(1);
      }
      const codecs = mine.filter((e) => e.api === 'Produce').map((e) => e.codec);
      expect(codecs.sort()).toEqual([...PLANS[client].codecs].sort());
    },
  );
});

describe.each(manifest.fixtures.map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const frame = readFrame(entry);
  const spec = specNamed(entry.api);

  it('is named after its client, API, version and codec', () => {
    expect(entry.file).toBe(`${entry.client}/${fixtureName(entry.api, entry.version, entry.codec)}`);
    expect(entry.session.startsWith(`${entry.client}/`)).toBe(true);
  });

  it('is one whole frame: the size prefix counts the bytes after it', () => {
    expect(frame.bytes.readInt32BE(0)).toBe(frame.bytes.length - 4);
  });

  it('has the request header the client sent', () => {
    expect(frame.header).toStrictEqual({
      requestApiKey: spec.apiKey,
      requestApiVersion: entry.version,
      correlationId: entry.correlationId,
      clientId: PLANS[entry.client].clientId,
    });
    // Flexible versions use header v2 (tagged fields after the client id).
    expect(frame.headerVersion).toBe(
      spec.flexibleMinVersion !== null && entry.version >= spec.flexibleMinVersion ? 2 : 1,
    );
  });

  it('decodes at the captured version, using every byte', () => {
    expect(() => decodeBody(frame, spec)).not.toThrow();
  });

  it('re-encodes to the same bytes', () => {
    const body = decodeBody(frame, spec);
    const w = new Writer(frame.bytes.length);
    w.int32(0);
    encodeRequestHeader(w, frame.header, frame.headerVersion);
    spec.encodeRequest(w, body, entry.version);
    const out = w.finish();
    out.writeInt32BE(out.length - 4, 0);
    expect(out.equals(frame.bytes)).toBe(true);
  });
});
