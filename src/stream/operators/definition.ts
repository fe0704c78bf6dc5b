import type { Operator, OperatorContext } from './operator.js';

/**
 * How the graph knows an operator: a kind (unique; listed in the registry), its number of
 * inputs, whether it needs keyed input, and a factory from parameters to an instance.
 */
export interface OperatorDefinition<P> {
  readonly kind: string;
  readonly description: string;
  readonly inputs: 1 | 2;
  /** Keyed operators get keyed state and timers, and their state is split into key groups. */
  readonly keyed: boolean;
  create(params: P, ctx: OperatorContext): Operator;
}

/**
 * Declares an operator; add the result to `registry.ts`.
 *
 * @example
 * ```ts
 * export const mapOperator = defineOperator<MapParams>({ kind: 'map', description: 'one output per input',
 *   inputs: 1, keyed: false, create: (p, ctx) => new MapOperator(ctx, p.fn) });
 * ```
 */
export function defineOperator<P>(definition: OperatorDefinition<P>): OperatorDefinition<P> {
  return definition;
}
