/**
 * A fraud rule (the classic one from Flink's tutorial): flag an account when a small
 * transaction (under $1) is followed by a large one (over $500) within one minute. A keyed
 * process function remembers the small transaction in state and forgets it with a
 * processing-time timer, so the rule works on live streams without event-time ordering.
 *
 * Run: `npx tsx examples/fraud-detection.ts`.
 */
import { pathToFileURL } from 'node:url';
import { dataGenerator, StreamEnvironment, valueState, type DataStream } from '../src/stream/index.js';

export interface Transaction {
  readonly account: string;
  readonly amount: number;
  readonly id: number;
}

export interface FraudAlert {
  readonly account: string;
  readonly small: number;
  readonly large: number;
}

export const SMALL = 1;
export const LARGE = 500;
export const WINDOW_MS = 60_000;

const state = {
  /** The small transaction waiting for a large one. */
  small: valueState<Transaction>(),
  /** When the small transaction expires (its timer). */
  expiry: valueState<number>(),
};

export function fraudAlerts(transactions: DataStream<Transaction>): DataStream<FraudAlert> {
  return transactions
    .keyBy((t) => t.account)
    .process<FraudAlert, typeof state>(
      {
        state,
        processElement(t, ctx) {
          const small = ctx.state.small.value();
          if (small !== undefined && t.amount > LARGE) {
            ctx.emit({ account: t.account, small: small.id, large: t.id });
          }
          if (small !== undefined) {
            ctx.timers.deleteProcessingTime(ctx.state.expiry.value()!);
            ctx.state.small.clear();
            ctx.state.expiry.clear();
          }
          if (t.amount < SMALL) {
            const expiry = ctx.processingTime + WINDOW_MS;
            ctx.state.small.update(t);
            ctx.state.expiry.update(expiry);
            ctx.timers.registerProcessingTime(expiry);
          }
        },
        onTimer(_t, ctx) {
          ctx.state.small.clear();
          ctx.state.expiry.clear();
        },
      },
      { uid: 'fraud-rule' },
    );
}

/** Deterministic transactions: account a3 makes a $0.5 payment followed by $900. */
export function sampleTransaction(i: number): Transaction {
  const account = `a${i % 5}`;
  let amount = 10 + ((i * 37) % 300);
  if (i === 13) amount = 0.5;
  if (i === 18) amount = 900;
  return { account, amount, id: i };
}

export async function main(): Promise<void> {
  const env = new StreamEnvironment({ name: 'fraud-detection' });
  fraudAlerts(env.fromSource(dataGenerator({ count: 100, generate: sampleTransaction }))).print('fraud ');
  await env.execute();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
