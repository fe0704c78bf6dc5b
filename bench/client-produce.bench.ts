/*
 * Client produce throughput: records/s our Producer gets into our broker, acks=1 and acks=all
 * (idempotent, fsynced), 100-byte records, one partition; beside kcat (librdkafka) producing the
 * same records to the same broker in the same run when kcat is installed. The broker runs as
 * `bin/rivulet.js broker` in a child process, so build first.
 *
 *   npm run build && npx tsx bench/client-produce.bench.ts [--records=1000000]   (its own table)
 *   npm run bench -- client                                                      (harness rows)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Admin } from '../src/client/admin.js';
import { Producer } from '../src/client/producer.js';
import type { ProducerRecord, SendResult } from '../src/client/producer-types.js';
import { defineBenchmarks, type MeasuredRow } from './harness.js';

const RECORD_BYTES = 100;
const CHUNK = 1000;
const IN_FLIGHT_SENDS = 64;

interface Row {
  name: string;
  records: number;
  seconds: number;
}

/** 100-byte printable values (what a line-oriented tool like kcat can send too). */
function values(n: number): Buffer[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from({ length: n }, (_, i) => {
    const b = Buffer.alloc(RECORD_BYTES);
    for (let j = 0; j < RECORD_BYTES; j++) b[j] = alphabet.charCodeAt((i * 31 + j * 7) % alphabet.length);
    return b;
  });
}

async function startBrokerProcess(dataDir: string): Promise<{ child: ChildProcess; bootstrap: string }> {
  const bin = fileURLToPath(new URL('../bin/rivulet.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'broker', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /"msg":"broker listening".*?"address":"([^"]+)"/.exec(err);
      if (m !== null) resolve(m[1]!);
    });
    child.on('exit', (code) => {
      reject(new Error(`broker exited (${code}): ${err}`));
    });
  });
  child.stderr.resume();
  return { child, bootstrap };
}

async function produceWithClient(
  bootstrap: string,
  topic: string,
  acks: 1 | 'all',
  n: number,
  pool: Buffer[],
): Promise<number> {
  const producer = new Producer({ bootstrap, acks });
  await producer.connect();
  const started = process.hrtime.bigint();
  const pending: Promise<SendResult[]>[] = [];
  for (let sent = 0; sent < n; sent += CHUNK) {
    const chunk: ProducerRecord[] = [];
    for (let i = sent; i < Math.min(n, sent + CHUNK); i++) chunk.push({ value: pool[i % pool.length]! });
    pending.push(producer.send(topic, chunk));
    if (pending.length >= IN_FLIGHT_SENDS) await pending.shift();
  }
  await Promise.all(pending);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.close();
  return seconds;
}

async function writeLines(file: string, n: number, pool: Buffer[]): Promise<void> {
  const out = createWriteStream(file);
  const newline = Buffer.from('\n');
  for (let i = 0; i < n; i += CHUNK) {
    const parts: Buffer[] = [];
    for (let j = i; j < Math.min(n, i + CHUNK); j++) parts.push(pool[j % pool.length]!, newline);
    if (!out.write(Buffer.concat(parts))) {
      await new Promise<void>((resolve) => {
        out.once('drain', () => {
          resolve();
        });
      });
    }
  }
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(() => {
      resolve();
    });
  });
}

function produceWithKcat(bootstrap: string, topic: string, acks: 1 | 'all', file: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(
    'sh',
    [
      '-c',
      `kcat -P -b ${bootstrap} -t ${topic} -p 0 -X acks=${acks === 'all' ? 'all' : '1'} ` +
        `-X enable.idempotence=${acks === 'all'} < ${file}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (r.status !== 0) throw new Error(`kcat failed: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function hasKcat(): boolean {
  return spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Produces `n` records with each producer (ours, then kcat's when installed) into a fresh broker. */
async function measure(n: number): Promise<Row[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rivulet-bench-'));
  const { child, bootstrap } = await startBrokerProcess(path.join(dir, 'data'));
  const pool = values(4096);
  const rows: Row[] = [];
  try {
    const admin = new Admin({ bootstrap });
    const topics = ['warmup', 'client-acks1', 'client-acksall', 'kcat-acks1', 'kcat-acksall'];
    await admin.createTopics(topics.map((name) => ({ name, partitions: 1 })));
    await admin.close();
    await produceWithClient(bootstrap, 'warmup', 1, Math.min(n, 200_000), pool);
    for (const acks of [1, 'all'] as const) {
      const topic = acks === 1 ? 'client-acks1' : 'client-acksall';
      rows.push({
        name: `rivulet Producer, acks=${acks}`,
        records: n,
        seconds: await produceWithClient(bootstrap, topic, acks, n, pool),
      });
    }
    if (hasKcat()) {
      const file = path.join(dir, 'records.txt');
      await writeLines(file, n, pool);
      for (const acks of [1, 'all'] as const) {
        const topic = acks === 1 ? 'kcat-acks1' : 'kcat-acksall';
        rows.push({
          name: `kcat (librdkafka), acks=${acks}`,
          records: n,
          seconds: produceWithKcat(bootstrap, topic, acks, file),
        });
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

export default defineBenchmarks({
  area: 'client',
  async *measured({ selected }) {
    if (!selected('client produce')) return;
    if (!hasKcat()) {
      console.log('client: kcat is not installed, so there is no baseline; skipping (apt-get install kcat)');
      return;
    }
    const n = 1_000_000;
    const rows = await measure(n);
    for (const acks of ['1', 'all']) {
      const ours = rows.find((r) => r.name === `rivulet Producer, acks=${acks}`)!;
      const kcat = rows.find((r) => r.name === `kcat (librdkafka), acks=${acks}`)!;
      const row: MeasuredRow = {
        name: `client produce ${n / 1e6}M × 100 B, acks=${acks}`,
        subject: { label: 'rivulet Producer', value: ours.records / ours.seconds, unit: 'records/s' },
        baseline: { label: 'kcat', value: kcat.records / kcat.seconds, unit: 'records/s' },
        note: acks === 'all' ? 'both idempotent; fsync per request batch' : '',
      };
      yield row;
    }
  },
});

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { records: { type: 'string', default: '1000000' } } });
  const n = Number(args.records);
  const rows = await measure(n);
  const kcatThere = rows.some((r) => r.name.startsWith('kcat'));
  console.log(`# client produce: ${n} × ${RECORD_BYTES} B records, 1 partition, broker in a child process`);
  console.log(
    `# ${availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log('');
  console.log('| producer | records/s | MB/s (values) | seconds | vs kcat, same acks |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const rate = r.records / r.seconds;
    const acks = r.name.slice(r.name.indexOf('acks='));
    const kcat = rows.find((x) => x.name.startsWith('kcat') && x.name.endsWith(acks));
    const ratio =
      kcat !== undefined
        ? `${(rate / (kcat.records / kcat.seconds)).toFixed(2)}×`
        : kcatThere
          ? ''
          : 'kcat not installed';
    console.log(
      `| ${r.name} | ${Math.round(rate).toLocaleString('en-US')} | ${((rate * RECORD_BYTES) / 1e6).toFixed(1)} | ${r.seconds.toFixed(2)} | ${ratio} |`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
