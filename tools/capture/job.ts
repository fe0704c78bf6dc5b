import type { Codec, ConsumerPlan, PlannedRecord } from '../../test/golden/scenario.js';

/**
 * What one client run is asked to do, passed as JSON in its first argument (the Python clients
 * read the same fields).
 */
export type ClientJob = ProduceJob | ConsumeJob;

interface JobBase {
  bootstrap: string;
  clientId: string;
  topic: string;
}

export interface ProduceJob extends JobBase {
  mode: 'produce';
  partition: number;
  codec: Codec;
  acks: number;
  timeoutMs: number;
  records: PlannedRecord[];
}

export interface ConsumeJob extends JobBase {
  mode: 'consume';
  consumer: ConsumerPlan;
}
