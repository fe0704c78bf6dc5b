import { describe, expect, it } from 'vitest';
import { ApiVersions, Metadata } from '../../src/protocol/messages/index.js';
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.js';
import { decodeBody, fixturesOf, manifest, readFrame } from './load.js';
import { type ClientName, produceTopic } from './scenario.js';

/*
 * The handshake every client opens with, decoded field by field: ApiVersions (each picks the
 * highest version it implements, since the responder advertised Kafka 3.9's ranges) and the
 * producer's first Metadata request naming the topic it was asked to write to.
 */

/**
 * What ApiVersions v3+ says about the client software: librdkafka names itself, and
 * confluent-kafka-python overrides both fields. Read off the versions recorded at capture.
 */
function clientSoftware(client: ClientName): { name: string; version: string } | null {
  const software = manifest.clients[client]?.software ?? '';
  const librdkafka = /librdkafka (\S+?)\)/.exec(software)?.[1];
  switch (client) {
    case 'kcat':
      return { name: 'librdkafka', version: librdkafka ?? '?' };
    case 'confluent-kafka':
      return {
        name: 'confluent-kafka-python',
        version: `${/confluent-kafka (\S+)/.exec(software)?.[1] ?? '?'}-rdkafka-${librdkafka ?? '?'}`,
      };
    case 'kafka-python':
    case 'kafkajs':
      return null;
  }
}

describe.each(fixturesOf('ApiVersions').map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const frame = readFrame(entry);
  const body = decodeBody(frame, ApiVersions);
  const software = clientSoftware(entry.client);

  if (software !== null) {
    it('names the client software (v3+)', () => {
      expect(entry.version).toBeGreaterThanOrEqual(3);
      expect(body).toStrictEqual({
        clientSoftwareName: software.name,
        clientSoftwareVersion: software.version,
      });
    });
  } else {
    it('has an empty body: the version predates the software fields', () => {
      expect(entry.version).toBeLessThan(3);
      expect(frame.bytes.length).toBe(frame.bodyOffset);
      expect(body).toStrictEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
    });
  }
});

describe.each(fixturesOf('Metadata').map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const body = decodeBody(readFrame(entry), Metadata);

  it('asks for the topic the producer was given, and nothing about authorised operations', () => {
    expect(body).toStrictEqual({
      // Topic ids appear in v10; before that the field keeps its default.
      topics: [{ topicId: ZERO_UUID, name: produceTopic('none') }],
      // Every client's default (librdkafka allow.auto.create.topics for producers, kafkajs
      // allowAutoTopicCreation); before v4 the field is absent and reads as its default, true.
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  });
});
