/**
 * Runs the benchmarks: `npm run bench [-- <filter>…] [--time=<ms>] [--markdown]`.
 *
 * Every `bench/*.bench.ts` is a file of benchmarks (see harness.ts). A filter keeps the
 * benchmarks whose area, file or name contains it (case-insensitive): `npm run bench -- crc`.
 * Each row is a subject and a baseline measured in this run, and their throughput ratio.
 * `--markdown` prints the table for BENCHMARKS.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type BenchFile,
  type Benchmark,
  type Case,
  type Measurement,
  figure,
  formatFigure,
  measurePair,
  ratioOf,
} from './harness.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    time: { type: 'string', default: '1000' },
    markdown: { type: 'boolean', default: false },
  },
});
const timeMs = Number(values.time);
if (!Number.isFinite(timeMs) || timeMs <= 0) throw new Error(`--time must be a positive number of ms`);
const filters = positionals.map((p) => p.toLowerCase());

function selected(...names: string[]): boolean {
  return filters.length === 0 || filters.some((f) => names.some((n) => n.toLowerCase().includes(f)));
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.split(':')[1]!.trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

interface Row {
  area: string;
  name: string;
  subject: string;
  baseline: string;
  ratio: string;
  note: string;
}

function throughput(c: Case, m: Measurement): number {
  return (c.bytes ?? 1) / m.secondsPerRun;
}

const dir = new URL('./', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

const machine = `${availableParallelism()} cores (nproc), ${cpuModel()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
const load = (() => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
})();
console.log(`# ${machine}; load average ${load}; ~${timeMs} ms per case`);

const rows: Row[] = [];
for (const file of files) {
  const mod = (await import(new URL(file, dir).href)) as { default: BenchFile };
  const bench = mod.default;
  await bench.setup?.();
  const chosen = (bench.benchmarks?.() ?? []).filter((b) => selected(bench.area, file, b.name));
  await runAll(bench.area, chosen);
  if (bench.measured !== undefined) {
    for await (const m of bench.measured({ timeMs, selected: (name) => selected(bench.area, file, name) })) {
      emit({
        area: bench.area,
        name: m.name,
        subject: `${m.subject.label}: ${formatFigure(m.subject)}`,
        baseline: `${m.baseline.label}: ${formatFigure(m.baseline)}`,
        ratio: `${ratioOf(m).toFixed(2)}×`,
        note: m.note ?? '',
      });
    }
  }
}

function emit(row: Row): void {
  rows.push(row);
  if (!values.markdown) {
    console.log(
      `${row.area.padEnd(12)} ${row.name.padEnd(44)} ${row.subject.padEnd(40)} ${row.baseline.padEnd(40)} ${row.ratio.padStart(8)}  ${row.note}`,
    );
  }
}

async function runAll(area: string, benchmarks: Benchmark[]): Promise<void> {
  for (const b of benchmarks) {
    const [s, base] = measurePair(b.subject, b.baseline, { timeMs });
    const row: Row = {
      area,
      name: b.name,
      subject: `${b.subject.label}: ${formatFigure(figure(b.subject, s))}`,
      baseline: `${b.baseline.label}: ${formatFigure(figure(b.baseline, base))}`,
      ratio: `${(throughput(b.subject, s) / throughput(b.baseline, base)).toFixed(2)}×`,
      note: b.note?.() ?? '',
    };
    emit(row);
    // Let timers and GC breathe between rows.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

if (values.markdown) {
  console.log('');
  console.log('| area | benchmark | figure | baseline (same run) | ratio | note |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.area} | ${r.name} | ${r.subject} | ${r.baseline} | ${r.ratio} | ${r.note} |`);
  }
}
if (rows.length === 0) console.log(`no benchmark matches ${positionals.join(' ')}`);
