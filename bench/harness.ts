/*
 * A small benchmark harness: plain `process.hrtime.bigint()` loops, no dependencies. Every
 * benchmark is a subject measured beside a baseline doing comparable work on the same input in
 * the same run, so the ratio means something on any machine.
 *
 * A bench file (`bench/<area>.bench.ts`) default-exports `defineBenchmarks({ area, setup?,
 * benchmarks })`; `bench/run.ts` finds, filters and runs them.
 */

/** One measured piece of work. */
export interface Case {
  label: string;
  /** Does one unit of work; its result is kept alive so the work cannot be optimised away. */
  run: () => unknown;
  /** Bytes processed per run, for MB/s and GB/s figures; without it the figure is ops/s. */
  bytes?: number;
}

export interface Benchmark {
  name: string;
  subject: Case;
  baseline: Case;
  /** Extra context printed with the row (e.g. a compression ratio). */
  note?: () => string;
}

/** A figure measured by the bench file itself (a whole process, a server round trip …). */
export interface Figure {
  label: string;
  value: number;
  /** e.g. 'records/s', 'MB/s', 'ms'. */
  unit: string;
}

/**
 * A row measured outside the harness's loop — for work that is asynchronous or runs in other
 * processes (a broker under kcat, a crash-recovery) — still as a subject beside a baseline
 * measured in the same run. `lowerIsBetter` for times, so the ratio reads "× the baseline's speed".
 */
export interface MeasuredRow {
  name: string;
  subject: Figure;
  baseline: Figure;
  lowerIsBetter?: boolean;
  note?: string;
}

export interface BenchFile {
  area: string;
  /** Runs once before the area's benchmarks (e.g. `await initCompression()`). */
  setup?: () => Promise<void>;
  /** Built after `setup`, so inputs can use what it prepared. */
  benchmarks?: () => Benchmark[];
  /** Rows the file measures itself; `filter` is the command line's filters (lower case). */
  measured?: (opts: { timeMs: number; selected: (name: string) => boolean }) => AsyncIterable<MeasuredRow>;
}

export function defineBenchmarks(file: BenchFile): BenchFile {
  return file;
}

export interface Measurement {
  /** Median seconds per run over the samples. */
  secondsPerRun: number;
  runs: number;
}

export interface MeasureOptions {
  /** Total measuring time per case, after warm-up. */
  timeMs: number;
}

let sink: unknown;

/** Keeps a value reachable so that V8 cannot drop the computation producing it. */
export function consume(v: unknown): void {
  sink = v;
}

export function sinkValue(): unknown {
  return sink;
}

/** Runs per sample so that one sample of `c` lasts about `sampleNs`. */
function calibrate(c: Case, sampleNs: number): number {
  let perSample = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perSample; i++) consume(c.run());
    const dt = Number(process.hrtime.bigint() - t0);
    if (dt >= sampleNs / 4 || perSample >= 1 << 24) {
      return Math.max(1, Math.round((perSample * sampleNs) / Math.max(dt, 1)));
    }
    perSample *= 4;
  }
}

function sample(c: Case, perSample: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < perSample; i++) consume(c.run());
  return Number(process.hrtime.bigint() - t0) / 1e9 / perSample;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/**
 * Times a subject and its baseline together: a warm-up of each, then alternating samples of
 * about a tenth of the budget each, so that a noisy neighbour or a frequency change slows both
 * alike and the ratio stays meaningful. The median sample of each is reported.
 */
export function measurePair(subject: Case, baseline: Case, opts: MeasureOptions): [Measurement, Measurement] {
  const cases = [subject, baseline];
  for (const c of cases) {
    const warmEnd = process.hrtime.bigint() + BigInt(Math.round((opts.timeMs / 4) * 1e6));
    while (process.hrtime.bigint() < warmEnd) consume(c.run());
  }
  const sampleNs = (opts.timeMs / 10) * 1e6;
  const perSample = cases.map((c) => calibrate(c, sampleNs));
  const samples: number[][] = [[], []];
  const end = process.hrtime.bigint() + BigInt(Math.round(2 * opts.timeMs * 1e6));
  do {
    for (let i = 0; i < 2; i++) samples[i]!.push(sample(cases[i]!, perSample[i]!));
  } while (process.hrtime.bigint() < end || samples[0]!.length < 3);
  return [0, 1].map((i) => ({
    secondsPerRun: median(samples[i]!),
    runs: samples[i]!.length * perSample[i]!,
  })) as [Measurement, Measurement];
}

/** A figure with its unit: GB/s or MB/s when bytes are known, else ops/s. */
export function figure(c: Case, m: Measurement): { value: number; unit: string } {
  if (c.bytes === undefined) return { value: 1 / m.secondsPerRun, unit: 'ops/s' };
  const bytesPerSecond = c.bytes / m.secondsPerRun;
  return bytesPerSecond >= 1e9
    ? { value: bytesPerSecond / 1e9, unit: 'GB/s' }
    : { value: bytesPerSecond / 1e6, unit: 'MB/s' };
}

/** The speed of `subject` relative to `baseline`, whichever way the unit points. */
export function ratioOf(row: MeasuredRow): number {
  return row.lowerIsBetter === true
    ? row.baseline.value / row.subject.value
    : row.subject.value / row.baseline.value;
}

export function formatFigure(f: { value: number; unit: string }): string {
  const digits = f.value >= 100 ? 0 : f.value >= 10 ? 1 : 2;
  return `${f.value.toFixed(digits)} ${f.unit}`;
}
