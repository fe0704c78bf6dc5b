/**
 * Names a side output of type `T`: a second stream an operator can write to besides its main
 * output (late records of a window, rejected records of a process function …).
 *
 * @example
 * ```ts
 * const late = new OutputTag<Reading>('late-readings');
 * const avgs = readings.keyBy((r) => r.sensor).window(tumbling('1m')).lateOutput(late).aggregate(avg((r) => r.value));
 * avgs.sideOutput(late).print('late');
 * ```
 */
export class OutputTag<T> {
  /** Phantom field carrying the element type; never set. */
  declare readonly elementType?: T;

  constructor(readonly id: string) {}
}
