/**
 * The broker under kcat (librdkafka 2.0.2), as the issue measures it: 1M × 100 B records produced
 * with acks=all to one partition and consumed back from offset 0, beside librdkafka's own mock
 * broker doing the same in the same run; and cold start to the first acknowledged produce,
 * beside Node's own start-up. The broker runs as a separate process, as a user runs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineBenchmarks, type MeasuredRow } from './harness.js';

const RECORDS = 1_000_000;
const bin = fileURLToPath(new URL('../bin/rivulet.js', import.meta.url));

function hasKcat(): boolean {
  return spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Runs a command to completion; resolves to its wall time in seconds. */
function timed(cmd: string, args: string[], input?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    if (input !== undefined) child.stdin?.end(input);
    child.on('exit', (code) => {
      if (code === 0) resolve(Number(process.hrtime.bigint() - t0) / 1e9);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
    });
  });
}

async function writeInput(file: string): Promise<void> {
  const out = createWriteStream(file);
  const line = 'x'.repeat(99) + '\n';
  const chunk = line.repeat(10_000);
  for (let i = 0; i < RECORDS / 10_000; i++) {
    if (!out.write(chunk))
      await new Promise<void>((r) =>
        out.once('drain', () => {
          r();
        }),
      );
  }
  await new Promise<void>((resolve, reject) => {
    out.end((e?: Error | null) => {
      if (e) reject(e);
      else resolve();
    });
  });
}

/** Starts `rivulet broker` on a free port; resolves once it listens. */
function startBrokerProcess(
  dataDir: string,
): Promise<{ child: ChildProcess; bootstrap: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, 'broker', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (b: Buffer) => {
      log += b.toString();
      const m = /"msg":"broker listening","address":"([^"]+)"/.exec(log);
      if (m) resolve({ child, bootstrap: m[1]!, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
    child.on('exit', (code) => {
      reject(new Error(`broker exited ${code}: ${log}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Keeps a kcat producer with librdkafka's in-process mock cluster alive (stdin open) after it
 * produced `file`, so that a second kcat can consume from the mock over TCP.
 */
async function mockWithData(file: string): Promise<{ bootstrap: string; stop: () => void }> {
  const child = spawn(
    'kcat',
    ['-P', '-b', 'dummy', '-X', 'test.mock.num.brokers=1', '-t', 'perf', '-p', '0'],
    {
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /replaced with (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => {
      reject(new Error(`mock kcat exited ${code}: ${err}`));
    });
  });
  const { createReadStream } = await import('node:fs');
  createReadStream(file).pipe(child.stdin, { end: false });
  // Wait until the last record is readable from the mock.
  for (;;) {
    const r = spawnSync(
      'kcat',
      ['-C', '-b', bootstrap, '-t', 'perf', '-p', '0', '-o', '-1', '-e', '-q', '-f', '%o\n'],
      {
        encoding: 'utf8',
      },
    );
    if (r.stdout.trim() === String(RECORDS - 1)) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  return { bootstrap, stop: () => child.kill('SIGKILL') };
}

export default defineBenchmarks({
  area: 'broker',
  async *measured({ selected }) {
    if (!hasKcat()) {
      console.log('broker: kcat is not installed; skipping (apt-get install kcat)');
      return;
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'rivulet-bench-'));
    try {
      const input = path.join(dir, 'records.txt');
      await writeInput(input);
      const produceArgs = ['-P', '-t', 'perf', '-p', '0', '-X', 'acks=all', '-l', input];
      const consumeArgs = [
        '-C',
        '-t',
        'perf',
        '-p',
        '0',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-c',
        String(RECORDS),
        '-f',
        '%o\n',
      ];

      if (selected('kcat produce') || selected('kcat consume')) {
        const broker = await startBrokerProcess(path.join(dir, 'data'));
        try {
          const ours = await timed('kcat', ['-b', broker.bootstrap, ...produceArgs]);
          const mock = await timed('kcat', ['-b', 'dummy', '-X', 'test.mock.num.brokers=1', ...produceArgs]);
          yield row('kcat produce 1M × 100 B, acks=all', ours, mock, 'librdkafka mock (in-process)');
          const oursC = await timed('kcat', ['-b', broker.bootstrap, ...consumeArgs]);
          const m = await mockWithData(input);
          try {
            const mockC = await timed('kcat', ['-b', m.bootstrap, ...consumeArgs]);
            yield row('kcat consume 1M × 100 B from offset 0', oursC, mockC, 'librdkafka mock (over TCP)');
          } finally {
            m.stop();
          }
        } finally {
          await stop(broker.child);
        }
      }

      if (selected('cold start')) {
        const samples: number[] = [];
        const nodeOnly: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t0 = process.hrtime.bigint();
          const b = await startBrokerProcess(path.join(dir, `cold-${i}`));
          await timed(
            'kcat',
            ['-P', '-b', b.bootstrap, '-t', 'cold', '-p', '0', '-X', 'acks=all'],
            'first\n',
          );
          samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
          await stop(b.child);
          nodeOnly.push((await timed(process.execPath, ['-e', '0'])) * 1000);
        }
        samples.sort((a, b) => a - b);
        nodeOnly.sort((a, b) => a - b);
        yield {
          name: 'cold start to first acks=all produce (kcat)',
          subject: { label: 'rivulet broker', value: samples[2]!, unit: 'ms' },
          baseline: { label: 'node -e 0', value: nodeOnly[2]!, unit: 'ms' },
          lowerIsBetter: true,
          note: 'median of 5; includes kcat start-up and its metadata round trip',
        };
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});

function row(name: string, oursSeconds: number, baselineSeconds: number, baselineLabel: string): MeasuredRow {
  return {
    name,
    subject: { label: 'rivulet', value: RECORDS / oursSeconds, unit: 'records/s' },
    baseline: { label: baselineLabel, value: RECORDS / baselineSeconds, unit: 'records/s' },
    note: `${(RECORDS / oursSeconds / 1e6).toFixed(2)}M rec/s; kcat wall time`,
  };
}
