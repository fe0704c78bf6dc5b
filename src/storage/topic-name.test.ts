import { describe, expect, it } from 'vitest';
import { topicCollisionKey, validateTopicName } from './topic-name.js';

describe('validateTopicName', () => {
  it('accepts Kafka-legal names, up to 249 characters', () => {
    for (const name of ['orders', 'a.b_c-D9', '__consumer_offsets', 'x'.repeat(249), '...a']) {
      expect(validateTopicName(name)).toBeNull();
    }
  });

  it('rejects empty, dot names, long names and illegal characters', () => {
    expect(validateTopicName('')).toMatch(/empty/);
    expect(validateTopicName('.')).toMatch(/"\." or "\.\."/);
    expect(validateTopicName('..')).toMatch(/"\." or "\.\."/);
    expect(validateTopicName('x'.repeat(250))).toMatch(/250 characters is more than 249/);
    for (const name of ['a/b', 'a b', 'ü', '../etc', 'a\u0000b', 'a:b'])
      expect(validateTopicName(name)).toMatch(/illegal/);
  });

  it('maps names that differ only by . and _ to one collision key', () => {
    expect(topicCollisionKey('a.b')).toBe(topicCollisionKey('a_b'));
    expect(topicCollisionKey('a.b')).not.toBe(topicCollisionKey('a-b'));
  });
});
