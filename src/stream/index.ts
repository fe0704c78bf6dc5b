// The stream engine's public API: re-exports only.

// Building and running jobs
export { StreamEnvironment } from './api/environment.js';
export type {
  CheckpointOptions,
  EnvironmentOptions,
  ExecuteOptions,
  SourceOptions,
} from './api/environment.js';
export { DataStream, KeyedStream } from './api/streams.js';
export { ConnectedKeyedStreams } from './api/connected-streams.js';
export { WindowedStream } from './api/windowed-stream.js';
export { IntervalJoin, IntervalJoinBuilder, WindowJoin } from './api/joins.js';
export type { JoinContext } from './joins/interval-join.js';
export type { NodeOptions } from './api/options.js';
export type { JobExecution, JobResult } from './runtime/executor.js';
export type {
  CheckpointInfo,
  CheckpointMetrics,
  JobMetrics,
  MetricsListener,
  OperatorMetrics,
  SourceMetrics,
} from './runtime/metrics.js';

// Core types
export {
  toMillis,
  toSignedMillis,
  type Duration,
  type DurationUnit,
  type SignedDuration,
} from './core/duration.js';
export { StreamError, StreamErrorCode } from './core/errors.js';
export { DEFAULT_KEY_GROUPS, hashKey, keyGroupOf, type Key, type KeySelector } from './core/key.js';
export { OutputTag } from './core/output-tag.js';

// Functions and state
export type { Collector } from './operators/collector.js';
export type {
  KeyedCoProcessFunction,
  KeyedProcessContext,
  KeyedProcessFunction,
  KeyedTimerContext,
  ProcessContext,
  ProcessFunction,
  TimerControl,
} from './operators/process-function.js';
export {
  aggregatingState,
  listState,
  mapState,
  reducingState,
  valueState,
  type AggregatingState,
  type ListState,
  type MapState,
  type ReducingState,
  type StateDescriptor,
  type StateHandles,
  type StateOptions,
  type StateSpec,
  type TtlConfig,
  type ValueState,
} from './state/state.js';

// Time
export { ManualClock, systemClock, type Clock } from './time/clock.js';
export {
  boundedOutOfOrderness,
  customWatermarks,
  monotonousTimestamps,
  noWatermarks,
  WatermarkStrategy,
  type WatermarkGenerator,
} from './time/watermark-strategy.js';

// Windows
export type { Aggregator } from './windows/aggregator.js';
export {
  argMax,
  argMin,
  avg,
  combine,
  count,
  distinctCount,
  max,
  min,
  reducing,
  sum,
  toList,
  topN,
  type ExtremeRecords,
} from './windows/aggregators.js';
export {
  countWindow,
  globalWindow,
  session,
  sliding,
  tumbling,
  type AlignedWindowOptions,
  type TimeDomain,
  type TimeWindowOptions,
  type WindowAssigner,
} from './windows/assigners.js';
export {
  countTrigger,
  deltaTrigger,
  eventTimeTrigger,
  processingTimeTrigger,
  purging,
  type EventTimeTriggerOptions,
  type Trigger,
  type TriggerContext,
  type TriggerResult,
} from './windows/triggers.js';
export { GLOBAL_WINDOW, type TimeWindow, type WindowResult } from './windows/window.js';

// Sources and sinks
export type { Source, SourceBatch, SourceContext, SourceSplit, SplitReader } from './connectors/source.js';
export type { PreparedCommit, Sink, SinkContext, SinkRestore, SinkWriter } from './connectors/sink.js';
export { arraySource } from './connectors/array-source.js';
export { asyncIterableSource } from './connectors/async-iterable-source.js';
export { dataGenerator, type DataGeneratorOptions } from './connectors/data-generator-source.js';
export { blackholeSink, type BlackholeSink } from './connectors/blackhole-sink.js';
export { CollectSink, collectSink } from './connectors/collect-sink.js';
export { printSink, type PrintOptions } from './connectors/print-sink.js';
export { jsonLinesSink, type JsonLinesSinkOptions } from './connectors/json-lines-sink.js';
export { jsonLinesSource, type JsonLinesSourceOptions } from './connectors/json-lines-source.js';
export { csvSource, parseCsvRecord, type CsvSourceOptions } from './connectors/csv-source.js';
export type { FileSourceOptions } from './connectors/file-reader.js';

// Checkpoints
export { FileCheckpointStorage, type FileCheckpointStorageOptions } from './checkpoint/file-storage.js';
export type { CheckpointData } from './checkpoint/format.js';
export type { CheckpointLocation, CheckpointStorage } from './checkpoint/storage.js';

// Testing
export {
  TestDriver,
  TestInput,
  type TestDriverOptions,
  type TestInputOptions,
} from './testing/test-driver.js';

// Extending the engine
export { Operator, type OperatorContext, type Output } from './operators/operator.js';
export { defineOperator, type OperatorDefinition } from './operators/definition.js';
export { operatorRegistry } from './operators/registry.js';
