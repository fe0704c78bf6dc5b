import { configError } from '../core/errors.js';
import type { OperatorDefinition } from './definition.js';
import { filterOperator } from './filter.js';
import { flatMapOperator } from './flat-map.js';
import { keyedAggregateOperator } from './keyed-aggregate.js';
import { keyedCoProcessOperator } from './keyed-co-process.js';
import { keyedProcessOperator } from './keyed-process.js';
import { keyedReduceOperator } from './keyed-reduce.js';
import { mapOperator } from './map.js';
import { processOperator } from './process.js';
import { sinkOperator } from './sink.js';
import { timestampsWatermarksOperator } from './timestamps-watermarks.js';
import { countWindowOperator } from '../windows/count-window.js';
import { intervalJoinOperator } from '../joins/interval-join.js';
import { regularJoinOperator } from '../joins/regular-join.js';
import { tableJoinOperator } from '../joins/table-join.js';
import { generalWindowOperator } from '../windows/general-window.js';
import { sessionWindowOperator } from '../windows/session-window.js';
import { slicingWindowOperator } from '../windows/slicing-window.js';

/** Builds the registry; a kind registered twice is a programming error. */
function register(
  definitions: ReadonlyArray<OperatorDefinition<never>>,
): ReadonlyMap<string, OperatorDefinition<never>> {
  const map = new Map<string, OperatorDefinition<never>>();
  for (const d of definitions) {
    if (map.has(d.kind)) throw configError(`operator kind '${d.kind}' is registered twice`);
    map.set(d.kind, d);
  }
  return map;
}

/**
 * Every operator the engine has, by kind. The graph refers to definitions directly; the
 * registry is how tools (job descriptions, the SQL planner, docs) enumerate and look them up.
 * Adding an operator: write `operators/<kind>.ts` exporting its definition, list it here.
 */
export const operatorRegistry: ReadonlyMap<string, OperatorDefinition<never>> = register([
  mapOperator,
  filterOperator,
  flatMapOperator,
  processOperator,
  keyedProcessOperator,
  keyedCoProcessOperator,
  keyedReduceOperator,
  keyedAggregateOperator,
  sinkOperator,
  timestampsWatermarksOperator,
  slicingWindowOperator,
  sessionWindowOperator,
  generalWindowOperator,
  countWindowOperator,
  intervalJoinOperator,
  regularJoinOperator,
  tableJoinOperator,
] as ReadonlyArray<OperatorDefinition<never>>);
