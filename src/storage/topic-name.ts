/** Kafka's limit: a partition directory `<topic>-<partition>` must fit in a 255-byte file name. */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/**
 * Checks a topic name as Kafka does (`Topic.validate`): not empty, not `.` or `..`, at most 249
 * characters of ASCII letters, digits, `.`, `_` and `-`. Directory names are built from topic
 * names, so this is also what keeps them safe. Returns the problem, or null.
 *
 * @example validateTopicName('orders/eu') // 'topic name "orders/eu" is illegal: …'
 */
export function validateTopicName(name: string): string | null {
  if (name.length === 0) return 'topic name is illegal: it cannot be empty';
  if (name === '.' || name === '..') return 'topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `topic name is illegal: ${name.length} characters is more than ${MAX_TOPIC_NAME_LENGTH}`;
  }
  if (!LEGAL.test(name)) {
    return `topic name "${name}" is illegal: it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

/**
 * Kafka's metric names replace `.` with `_`, so two topics that differ only there collide;
 * Kafka refuses the second one. Both names map to the same key here.
 */
export function topicCollisionKey(name: string): string {
  return name.replaceAll('.', '_');
}
