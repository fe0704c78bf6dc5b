import { readFileSync } from 'node:fs';
import type { ApiSpec } from '../../src/protocol/api.js';
import { apiSpecs } from '../../src/protocol/api-keys.js';
import { type RequestHeader, decodeRequestHeader } from '../../src/protocol/headers.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import type { FixtureEntry, Manifest } from './manifest.js';

/** Helpers shared by the golden tests: the manifest, and fixtures split into header and body. */

export const FIXTURES_DIR = new URL('./fixtures/', import.meta.url);

export const manifest = JSON.parse(readFileSync(new URL('manifest.json', FIXTURES_DIR), 'utf8')) as Manifest;

/** The manifest's fixtures of one API (Kafka's name, e.g. `'JoinGroup'`). */
export function fixturesOf(api: string): FixtureEntry[] {
  return manifest.fixtures.filter((e) => e.api === api);
}

/** The spec of an API by Kafka's name. */
export function specNamed(api: string): ApiSpec<unknown, unknown> {
  const spec = [...apiSpecs.values()].find((s) => s.name === api);
  if (spec === undefined) throw new Error(`no API named ${api}`);
  return spec;
}

/** A captured frame: its bytes (size prefix included), request header and where the body starts. */
export interface GoldenFrame {
  entry: FixtureEntry;
  bytes: Buffer;
  headerVersion: number;
  header: RequestHeader;
  bodyOffset: number;
}

export function readFrame(entry: FixtureEntry): GoldenFrame {
  const bytes = readFileSync(new URL(entry.file, FIXTURES_DIR));
  const headerVersion = specNamed(entry.api).requestHeaderVersion(entry.version);
  const r = new Reader(bytes, 4);
  const header = decodeRequestHeader(r, headerVersion);
  return { entry, bytes, headerVersion, header, bodyOffset: r.offset };
}

/** Decodes a frame's body with `spec` at the captured version; every byte must be used. */
export function decodeBody<Req>(frame: GoldenFrame, spec: ApiSpec<Req, unknown>): Req {
  const r = new Reader(frame.bytes, frame.bodyOffset);
  const body = spec.decodeRequest(r, frame.entry.version);
  if (r.remaining !== 0) throw new Error(`${frame.entry.file}: ${r.remaining} bytes after the body`);
  return body;
}
