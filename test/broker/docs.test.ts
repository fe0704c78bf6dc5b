import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerConfigDefs } from '../../src/broker/config.js';
import { apiSpecs } from '../../src/protocol/api-keys.js';
import { ApiVersions } from '../../src/protocol/messages/api-versions.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { RawConnection } from '../support/raw-client.js';

/** docs/broker.md lists exactly what the broker advertises and every broker config key. */
describe('docs/broker.md', () => {
  const doc = readFileSync(new URL('../../docs/broker.md', import.meta.url), 'utf8');
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('has one table row per advertised API, with its version range', async () => {
    const c = await RawConnection.open(broker.address.port);
    const res = await c.request(
      ApiVersions,
      3,
      ApiVersions.createRequest({ clientSoftwareName: 'docs-test', clientSoftwareVersion: '1' }),
    );
    c.close();
    const advertised = res.apiKeys.map(
      (k) => `| ${apiSpecs.get(k.apiKey)!.name} | ${k.apiKey} | ${k.minVersion}–${k.maxVersion} |`,
    );
    const documented = doc.split('\n').filter((l) => /^\| [A-Za-z]+ \| \d+ \| \d+–\d+ \|$/.test(l));
    expect(documented).toEqual(advertised);
  });

  it('documents every broker config key with its default', () => {
    for (const [key, def] of Object.entries(brokerConfigDefs)) {
      expect(doc, key).toContain(`| \`${key}\` | ${def.default} |`);
    }
  });
});
