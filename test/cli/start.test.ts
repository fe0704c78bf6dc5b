import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Fetch } from '../../src/protocol/messages/fetch.js';
import { decodeRecordBatches } from '../../src/protocol/records/decode-batch.js';
import { tempDir } from '../support/broker.js';
import { RawConnection } from '../support/raw-client.js';

const bin = fileURLToPath(new URL('../../bin/rivulet.js', import.meta.url));

/** `rivulet start` (what `npm start` runs) as a real child process. */
describe('rivulet start', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('serves Kafka clients, writes the live demo topic, and stops cleanly on SIGTERM', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const child = spawn(
      process.execPath,
      [bin, 'start', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'data')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        resolve(code);
      }),
    );
    while (!/broker on 127\.0\.0\.1:(\d+)/.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`start exited early: ${stdout}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const port = Number(/broker on 127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
    expect(stdout).toContain(`kcat -b 127.0.0.1:${port} -C -t demo-pageviews`);

    const conn = await RawConnection.open(port);
    const res = await conn.request(
      Fetch,
      12,
      Fetch.createRequest({
        maxWaitMs: 5000,
        minBytes: 1,
        maxBytes: 1 << 20,
        topics: [0, 1, 2].map((p) => ({
          topic: 'demo-pageviews',
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          partitions: [
            {
              partition: p,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 20,
              replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
            },
          ],
        })),
      }),
    );
    conn.close();
    const values = res.responses[0]!.partitions.flatMap((p) =>
      p.records === null
        ? []
        : decodeRecordBatches(p.records).flatMap((b) => b.records.map((r) => r.value!.toString())),
    );
    expect(values.length).toBeGreaterThan(0);
    const event = JSON.parse(values[0]!) as { user?: unknown; page?: unknown };
    expect(typeof event.user).toBe('string');
    expect(typeof event.page).toBe('string');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
