/**
 * Captures golden request frames from real Kafka clients: `npx tsx tools/capture/capture.ts
 * [--client=<name>]… [--verbose]`. Not part of `npm test`; needs kcat, kafka-python and
 * confluent-kafka (Debian) and kafkajs (npm devDependency).
 *
 * Starts the scripted responder (responder.ts) on 127.0.0.1, then runs each client, one at a
 * time, through the sessions test/golden/scenario.ts plans: one producer per codec, then one
 * group consumer. It keeps the first ApiVersions and Metadata of the first producer, the first
 * Produce of each codec, and the consumer's first JoinGroup and Fetch, writing them to
 * test/golden/fixtures/<client>/<api>-v<version>[-<codec>].bin with manifest.json beside them.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiKey, apiSpecs } from '../../src/protocol/api-keys.js';
import { decodeRequestHeader } from '../../src/protocol/headers.js';
import { Metadata, Produce } from '../../src/protocol/messages/index.js';
import { batches } from '../../src/protocol/records/batch-view.js';
import { compressionName } from '../../src/protocol/records/compression.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import {
  CLIENTS,
  CONSUME_TOPIC,
  CODECS,
  type ClientName,
  type Codec,
  PLANS,
  PRODUCE_PARTITION,
  plannedRecords,
  produceTopic,
} from '../../test/golden/scenario.js';
import type { ClientJob, ConsumeJob, ProduceJob } from './job.js';
import { type CapturedFrame, Responder } from './responder.js';
import { type FixtureEntry, type Manifest, fixtureName } from '../../test/golden/manifest.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = `${ROOT}test/golden/fixtures/`;
const CLIENTS_DIR = `${ROOT}tools/capture/clients/`;
const PYTHON = '/usr/bin/python3';
/** A session that has not reached its goal by then failed (clients retry for much longer). */
const SESSION_TIMEOUT_MS = 30_000;

const { values } = parseArgs({
  options: {
    client: { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
  },
});
const chosen = (values.client ?? [...CLIENTS]).map((c) => {
  if (!(CLIENTS as readonly string[]).includes(c))
    throw new Error(`unknown client ${c} (${CLIENTS.join(', ')})`);
  return c as ClientName;
});

interface Command {
  file: string;
  args: string[];
  stdin?: string;
}

/** How each client is started for a job. */
function commandFor(client: ClientName, job: ClientJob): Command {
  switch (client) {
    case 'kcat':
      return job.mode === 'produce' ? kcatProduce(job) : kcatConsume(job);
    case 'kafka-python':
      return { file: PYTHON, args: [`${CLIENTS_DIR}kafka-python-client.py`, JSON.stringify(job)] };
    case 'confluent-kafka':
      return { file: PYTHON, args: [`${CLIENTS_DIR}confluent-kafka-client.py`, JSON.stringify(job)] };
    case 'kafkajs':
      return {
        file: process.execPath,
        args: ['--import', 'tsx', `${CLIENTS_DIR}kafkajs-client.ts`, JSON.stringify(job)],
      };
  }
}

/**
 * kcat reads `key:value` lines (-K :); -Z turns an empty key or value into null. Its -H headers
 * go on every message, which is why the scenario gives every record the same headers.
 */
function kcatProduce(job: ProduceJob): Command {
  const headers = job.records[0]?.headers ?? [];
  for (const r of job.records) {
    if (JSON.stringify(r.headers) !== JSON.stringify(headers)) throw new Error('kcat: headers must not vary');
    if (r.key === '' || r.value === '' || (r.key ?? '').includes(':'))
      throw new Error('kcat: unsendable record');
    if ((r.value ?? '').includes('\n')) throw new Error('kcat: a value with a newline');
  }
  return {
    file: 'kcat',
    args: [
      '-P',
      '-b',
      job.bootstrap,
      '-t',
      job.topic,
      '-p',
      String(job.partition),
      '-z',
      job.codec,
      '-K',
      ':',
      '-Z',
      ...headers.flatMap(([k, v]) => ['-H', v === null ? k : `${k}=${v}`]),
      '-X',
      `client.id=${job.clientId}`,
      '-X',
      `acks=${job.acks}`,
      '-X',
      `request.timeout.ms=${job.timeoutMs}`,
      '-X',
      'linger.ms=200',
    ],
    stdin: job.records.map((r) => `${r.key ?? ''}:${r.value ?? ''}\n`).join(''),
  };
}

function kcatConsume(job: ConsumeJob): Command {
  const c = job.consumer;
  const conf: [string, string | number][] = [
    ['client.id', job.clientId],
    ['session.timeout.ms', c.sessionTimeoutMs],
    ['max.poll.interval.ms', c.rebalanceTimeoutMs],
    ['fetch.wait.max.ms', c.maxWaitMs],
    ['fetch.min.bytes', c.minBytes],
    ['fetch.max.bytes', c.maxBytes],
    ['max.partition.fetch.bytes', c.partitionMaxBytes],
    ['isolation.level', c.isolationLevel === 1 ? 'read_committed' : 'read_uncommitted'],
    ['partition.assignment.strategy', c.assignors.join(',')],
    ['auto.offset.reset', 'earliest'],
    ['enable.auto.commit', 'false'],
  ];
  if (c.groupInstanceId !== null) conf.push(['group.instance.id', c.groupInstanceId]);
  return {
    file: 'kcat',
    args: [
      '-b',
      job.bootstrap,
      '-q',
      ...conf.flatMap(([k, v]) => ['-X', `${k}=${v}`]),
      '-G',
      c.groupId,
      job.topic,
    ],
  };
}

function produceJob(responder: Responder, client: ClientName, codec: Codec): ProduceJob {
  const plan = PLANS[client];
  return {
    mode: 'produce',
    bootstrap: responder.bootstrap,
    clientId: plan.clientId,
    topic: produceTopic(codec),
    partition: PRODUCE_PARTITION,
    codec,
    acks: plan.acks,
    timeoutMs: plan.produceTimeoutMs,
    records: plannedRecords(client),
  };
}

function consumeJob(responder: Responder, client: ClientName): ConsumeJob {
  const plan = PLANS[client];
  return {
    mode: 'consume',
    bootstrap: responder.bootstrap,
    clientId: plan.clientId,
    topic: CONSUME_TOPIC,
    consumer: plan.consumer,
  };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else
      child.once('exit', (code) => {
        resolve(code);
      });
  });
}

function timeout(ms: number): Promise<'timeout'> {
  return new Promise((resolve) =>
    setTimeout(() => {
      resolve('timeout');
    }, ms).unref(),
  );
}

/** Ends a client we started: SIGTERM, then SIGKILL if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if ((await Promise.race([exitOf(child), timeout(3_000)])) === 'timeout') {
    child.kill('SIGKILL');
    await exitOf(child);
  }
}

/**
 * Runs one client until its goal: its own exit (a producer), or a frame the responder recorded
 * (a consumer runs until killed). Fails if the goal is not reached in time.
 */
async function runSession(
  responder: Responder,
  session: string,
  cmd: Command,
  goal: 'exit' | ((f: CapturedFrame) => boolean),
): Promise<void> {
  responder.session = session;
  const child = spawn(cmd.file, cmd.args, { stdio: ['pipe', 'ignore', 'pipe'], cwd: ROOT });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin.end(cmd.stdin ?? '');
  const exited = exitOf(child);
  try {
    if (goal === 'exit') {
      const code = await Promise.race([exited, timeout(SESSION_TIMEOUT_MS)]);
      if (code !== 0)
        throw new Error(`${session}: client ${code === 'timeout' ? 'timed out' : `exited ${code}`}`);
    } else {
      const seen = responder.waitFor((f) => f.session === session && goal(f));
      const outcome = await Promise.race([
        seen,
        exited.then(() => 'exited' as const),
        timeout(SESSION_TIMEOUT_MS),
      ]);
      if (typeof outcome === 'string') throw new Error(`${session}: client ${outcome} before its goal`);
    }
  } catch (err) {
    throw new Error(`${String(err)}\n--- client stderr ---\n${stderr}`);
  } finally {
    await stop(child);
    responder.closeConnections();
  }
}

function framesOf(responder: Responder, session: string, apiKey: number): CapturedFrame[] {
  return responder.frames.filter((f) => f.session === session && f.apiKey === apiKey);
}

function first(frames: CapturedFrame[], what: string): CapturedFrame {
  const f = frames[0];
  if (f === undefined) throw new Error(`no ${what} was captured`);
  return f;
}

function bodyOf(f: CapturedFrame): Reader {
  const r = new Reader(f.bytes, 4);
  decodeRequestHeader(r, apiSpecs.get(f.apiKey)!.requestHeaderVersion(f.apiVersion));
  return r;
}

function metadataTopics(f: CapturedFrame): string[] {
  return (Metadata.decodeRequest(bodyOf(f), f.apiVersion).topics ?? []).flatMap((t) =>
    t.name === null ? [] : [t.name],
  );
}

/**
 * Whether a Produce frame holds the whole plan in one batch with the codec asked for. A client
 * may split the records over several requests (librdkafka, when the first record is queued
 * before its partition's leader is known) or skip compressing a batch that would not shrink.
 */
function isWholeProduce(f: CapturedFrame, codec: Codec, records: number): boolean {
  const req = Produce.decodeRequest(bodyOf(f), f.apiVersion);
  const data = req.topicData[0]?.partitionData[0]?.records;
  if (req.topicData.length !== 1 || data === undefined || data === null) return false;
  const views = [...batches(data)];
  return (
    views.length === 1 &&
    views[0]!.recordsCount === records &&
    compressionName(views[0]!.compressionCode) === codec
  );
}

/** Attempts per producer session before giving up on getting one whole batch. */
const PRODUCE_ATTEMPTS = 3;

async function captureClient(responder: Responder, client: ClientName): Promise<FixtureEntry[]> {
  const kept: { frame: CapturedFrame; codec?: Codec }[] = [];
  for (const codec of PLANS[client].codecs) {
    const job = produceJob(responder, client, codec);
    let session = '';
    let produce: CapturedFrame | undefined;
    for (let attempt = 1; attempt <= PRODUCE_ATTEMPTS && produce === undefined; attempt++) {
      session = `${client}/produce-${codec}${attempt > 1 ? `#${attempt}` : ''}`;
      await runSession(responder, session, commandFor(client, job), 'exit');
      produce = framesOf(responder, session, ApiKey.Produce).find((f) =>
        isWholeProduce(f, codec, job.records.length),
      );
      if (produce === undefined) console.log(`  ${session}: no Produce held the whole plan; again`);
    }
    kept.push({ frame: first(produce === undefined ? [] : [produce], `${session} whole Produce`), codec });
    if (codec === 'none') {
      kept.push({ frame: first(framesOf(responder, session, ApiKey.ApiVersions), `${session} ApiVersions`) });
      const topic = produceTopic(codec);
      const metadata = framesOf(responder, session, ApiKey.Metadata).filter((f) =>
        metadataTopics(f).includes(topic),
      );
      kept.push({ frame: first(metadata, `${session} Metadata naming ${topic}`) });
    }
  }
  const session = `${client}/consume`;
  await runSession(
    responder,
    session,
    commandFor(client, consumeJob(responder, client)),
    (f) => f.apiKey === ApiKey.Fetch,
  );
  kept.push({ frame: first(framesOf(responder, session, ApiKey.JoinGroup), `${session} JoinGroup`) });
  kept.push({ frame: first(framesOf(responder, session, ApiKey.Fetch), `${session} Fetch`) });

  const dir = `${FIXTURES}${client}/`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return kept
    .map(({ frame, codec }) => {
      const api = apiSpecs.get(frame.apiKey)!.name;
      const file = `${client}/${fixtureName(api, frame.apiVersion, codec)}`;
      writeFileSync(`${FIXTURES}${file}`, frame.bytes);
      const entry: FixtureEntry = {
        file,
        client,
        api,
        version: frame.apiVersion,
        correlationId: frame.correlationId,
        session: frame.session,
      };
      if (codec !== undefined) entry.codec = codec;
      return entry;
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

function softwareOf(client: ClientName): string {
  const py = (code: string): string => execFileSync(PYTHON, ['-c', code], { encoding: 'utf8' }).trim();
  switch (client) {
    case 'kcat': {
      const v = /Version (\S+) .*librdkafka (\S+)/.exec(execFileSync('kcat', ['-V'], { encoding: 'utf8' }));
      return v === null ? 'kcat (version unknown)' : `kcat ${v[1]} (librdkafka ${v[2]})`;
    }
    case 'kafka-python':
      return `kafka-python ${py('import kafka; print(kafka.__version__)')}`;
    case 'confluent-kafka':
      return py(
        "import confluent_kafka as c; print('confluent-kafka %s (librdkafka %s)' % (c.version()[0], c.libversion()[0]))",
      );
    case 'kafkajs': {
      const pkg = JSON.parse(readFileSync(`${ROOT}node_modules/kafkajs/package.json`, 'utf8')) as {
        version: string;
      };
      return `kafkajs ${pkg.version} (Node ${process.version})`;
    }
  }
}

const manifestPath = `${FIXTURES}manifest.json`;
const manifest: Manifest = existsSync(manifestPath)
  ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest)
  : { codecs: [...CODECS], clients: {}, fixtures: [] };

const responder = await Responder.start({
  // Producers learn of their topic only by asking for it: the Metadata fixture then names it.
  topics: [CONSUME_TOPIC],
  ...(values.verbose
    ? {
        log: (line: string) => {
          console.log(line);
        },
      }
    : {}),
});
try {
  for (const client of chosen) {
    console.log(`capturing ${client} …`);
    const entries = await captureClient(responder, client);
    manifest.clients[client] = {
      software: softwareOf(client),
      captured: new Date().toISOString().slice(0, 10),
    };
    manifest.fixtures = [...manifest.fixtures.filter((e) => e.client !== client), ...entries].sort((a, b) =>
      a.file.localeCompare(b.file),
    );
    // After each client, so that a later client's failure keeps what was captured.
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    for (const e of entries) console.log(`  ${e.file}`);
  }
} finally {
  await responder.close();
}
