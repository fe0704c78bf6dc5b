import type { ClientName, Codec } from './scenario.js';

/**
 * test/golden/fixtures/manifest.json: which client sent each fixture, when, and with what
 * software. Written by tools/capture/capture.ts, read by the golden tests.
 */
export interface Manifest {
  codecs: Codec[];
  clients: { [C in ClientName]?: { software: string; captured: string } };
  fixtures: FixtureEntry[];
}

export interface FixtureEntry {
  /** Path under test/golden/fixtures/: `<client>/<api>-v<version>[-<codec>].bin`. */
  file: string;
  client: ClientName;
  /** Kafka's name of the API, e.g. `JoinGroup`. */
  api: string;
  version: number;
  /** Produce only: the codec the client was asked to use. */
  codec?: Codec;
  correlationId: number;
  /** The capture session the frame came from, e.g. `kcat/produce-gzip`. */
  session: string;
}

/** `JoinGroup`, 5, undefined → `join-group-v5.bin`. */
export function fixtureName(api: string, version: number, codec?: Codec): string {
  const kebab = api.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return `${kebab}-v${version}${codec === undefined ? '' : `-${codec}`}.bin`;
}
