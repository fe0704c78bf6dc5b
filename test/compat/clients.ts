import { commandWorks } from '../support/process.js';

/**
 * External Kafka clients for the compatibility suites. A suite whose client is missing is
 * skipped locally; under REQUIRE_COMPAT=1 (CI) it fails instead, so CI can never pass by skipping.
 */
export const REQUIRE_COMPAT = process.env.REQUIRE_COMPAT === '1';

/** Debian's python3 (the one python3-kafka and python3-confluent-kafka install into). */
export const PYTHON = '/usr/bin/python3';

export const clients = {
  kcat: () => commandWorks('kcat', ['-V']),
  kafkaPython: () => commandWorks(PYTHON, ['-c', 'import kafka']),
  confluentKafka: () => commandWorks(PYTHON, ['-c', 'import confluent_kafka']),
};

/**
 * Whether to skip a suite: true only when the client is missing and REQUIRE_COMPAT is off.
 * When it is missing under REQUIRE_COMPAT, the suite runs and its first test fails.
 */
export function skipUnless(available: boolean): boolean {
  return !available && !REQUIRE_COMPAT;
}

/** Throws the failure CI must see when a required client is missing. */
export function assertClient(name: string, available: boolean): void {
  if (!available) {
    throw new Error(`${name} is not installed, and REQUIRE_COMPAT=1 requires it (see .ci/run)`);
  }
}
