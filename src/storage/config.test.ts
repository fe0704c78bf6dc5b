import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_CONFIG, TOPIC_CONFIG_DEFS, resolveLogConfig, validateTopicConfig } from './config.js';

describe('topic config', () => {
  it('knows every key the broker must accept, with Kafka defaults', () => {
    const names = TOPIC_CONFIG_DEFS.map((d) => d.name);
    for (const key of [
      'cleanup.policy',
      'retention.ms',
      'retention.bytes',
      'segment.bytes',
      'segment.ms',
      'segment.index.bytes',
      'index.interval.bytes',
      'flush.ms',
      'flush.messages',
      'delete.retention.ms',
      'min.compaction.lag.ms',
      'max.compaction.lag.ms',
      'min.cleanable.dirty.ratio',
      'max.message.bytes',
      'message.timestamp.type',
      'message.timestamp.difference.max.ms',
      'message.timestamp.before.max.ms',
      'message.timestamp.after.max.ms',
      'min.insync.replicas',
      'compression.type',
      'file.delete.delay.ms',
      'preallocate',
      'unclean.leader.election.enable',
    ]) {
      expect(names).toContain(key);
    }
    for (const def of TOPIC_CONFIG_DEFS) expect(validateTopicConfig(def.name, def.default)).toBeNull();
    expect(DEFAULT_LOG_CONFIG).toMatchObject({
      cleanupDelete: true,
      cleanupCompact: false,
      retentionMs: 604_800_000,
      retentionBytes: -1,
      segmentBytes: 1_073_741_824,
      maxMessageBytes: 1_048_588,
      flushMs: 1000,
      flushMessages: Number.MAX_SAFE_INTEGER,
      minCleanableDirtyRatio: 0.5,
      messageTimestampType: 'CreateTime',
    });
  });

  it.each([
    ['nope.config', '1', "unknown topic config 'nope.config'"],
    ['retention.ms', '-2', 'retention.ms=-2: must be at least -1'],
    ['retention.ms', 'abc', 'retention.ms=abc: must be an integer'],
    ['segment.bytes', '3000000000', 'segment.bytes=3000000000: must fit in a 32-bit integer'],
    ['segment.bytes', '13', 'segment.bytes=13: must be at least 14'],
    [
      'retention.bytes',
      '99999999999999999999',
      'retention.bytes=99999999999999999999: must fit in a 64-bit integer',
    ],
    ['min.cleanable.dirty.ratio', '1.5', 'min.cleanable.dirty.ratio=1.5: must be between 0 and 1'],
    ['min.cleanable.dirty.ratio', 'x', 'min.cleanable.dirty.ratio=x: must be a number'],
    [
      'cleanup.policy',
      'compact,bogus',
      "cleanup.policy=compact,bogus: 'bogus' is not one of compact, delete",
    ],
    ['cleanup.policy', '', 'cleanup.policy=: must list at least one of compact, delete'],
    [
      'message.timestamp.type',
      'WallTime',
      'message.timestamp.type=WallTime: must be one of CreateTime, LogAppendTime',
    ],
    ['preallocate', 'yes', 'preallocate=yes: must be true or false'],
    ['compression.type', 'brotli', 'compression.type=brotli: must be one of producer'],
    [
      'compression.type',
      'gzip',
      "compression.type=gzip: broker-side recompression is not supported; only 'producer' (batches stored as produced)",
    ],
    ['remote.storage.enable', 'true', 'remote.storage.enable=true: tiered storage is not supported'],
    [
      'leader.replication.throttled.replicas',
      '0:1,x',
      "leader.replication.throttled.replicas=0:1,x: 'x' is not '*' or a list of partition:broker",
    ],
  ])('rejects %s=%s', (key, value, message) => {
    expect(validateTopicConfig(key, value)).toBe(message);
  });

  it('accepts valid values and null only as an error', () => {
    expect(validateTopicConfig('cleanup.policy', 'compact, delete')).toBeNull();
    expect(validateTopicConfig('retention.ms', '-1')).toBeNull();
    expect(validateTopicConfig('preallocate', 'TRUE')).toBeNull();
    expect(validateTopicConfig('leader.replication.throttled.replicas', '*')).toBeNull();
    expect(validateTopicConfig('retention.ms', null)).toBe('retention.ms: a value is required');
  });

  it('resolves overrides over node defaults over Kafka defaults', () => {
    const c = resolveLogConfig(
      { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' },
      { 'retention.ms': '5', 'segment.bytes': '2048' },
    );
    expect(c).toMatchObject({
      retentionMs: 1000,
      segmentBytes: 2048,
      cleanupCompact: true,
      cleanupDelete: true,
    });
  });

  it('uses the deprecated difference limit for before/after unless they are set', () => {
    expect(resolveLogConfig({ 'message.timestamp.difference.max.ms': '100' })).toMatchObject({
      messageTimestampBeforeMaxMs: 100,
      messageTimestampAfterMaxMs: 100,
    });
    expect(
      resolveLogConfig({
        'message.timestamp.difference.max.ms': '100',
        'message.timestamp.after.max.ms': '7',
      }),
    ).toMatchObject({ messageTimestampBeforeMaxMs: 100, messageTimestampAfterMaxMs: 7 });
  });

  it('throws on an invalid value reaching the resolver (a bug upstream)', () => {
    expect(() => resolveLogConfig({ 'segment.bytes': 'x' })).toThrow('segment.bytes=x');
  });
});
