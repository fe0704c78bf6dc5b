import type { ClientOptions } from '../../client/options.js';
import { isKafkaError } from '../../client/errors.js';
import { RivuletError } from '../../shared/errors.js';

/** The flag every client command takes. */
export const bootstrapFlag = { bootstrap: { type: 'string', default: '127.0.0.1:9092' } } as const;

export const BOOTSTRAP_USAGE = '  --bootstrap HOST:PORT   a broker to start from (default 127.0.0.1:9092)';

/**
 * How long a command tries to reach the cluster before it reports it unreachable: long enough
 * for a few retries with backoff, short enough that a typo in --bootstrap answers quickly.
 */
export const CONNECT_TIMEOUT_MS = 3000;

/** Client options for a CLI command: bounded retries so that a failure is reported, not waited on. */
export function cliClientOptions(bootstrap: string): ClientOptions {
  return {
    bootstrap,
    clientId: 'rivulet-cli',
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    retry: { timeoutMs: 15_000 },
  };
}

/** Rethrows Kafka's "unknown topic" as a plain sentence; other errors unchanged. */
export function explainTopicError(err: unknown, topic: string): never {
  if (isKafkaError(err, 'UNKNOWN_TOPIC_OR_PARTITION') && (err.partition === undefined || err.partition < 0)) {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `topic '${topic}' does not exist`, { cause: err });
  }
  throw err;
}

/** The single required topic of a command, from --topic or the first positional argument. */
export function topicArg(flag: string | undefined, positionals: readonly string[], command: string): string {
  const topic = flag ?? positionals[0];
  if (topic === undefined || topic === '') {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `${command} needs a topic: --topic NAME`);
  }
  return topic;
}

/**
 * Writes to stdout, waiting when its buffer is full so that a fast consumer piped into a slow
 * reader does not buffer without bound. Resolves false once stdout is closed (EPIPE: `| head`).
 */
export function writeOut(text: string | Buffer): Promise<boolean> {
  watchStdout();
  if (stdoutClosed) return Promise.resolve(false);
  if (process.stdout.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (): void => {
      process.stdout.off('drain', done);
      process.stdout.off('close', done);
      resolve(!stdoutClosed);
    };
    process.stdout.once('drain', done);
    process.stdout.once('close', done);
  });
}

let stdoutClosed = false;
let watching = false;

function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // A reader that went away (EPIPE) ends the output; anything else is reported.
    stdoutClosed = true;
    if (err.code !== 'EPIPE') process.stderr.write(`rivulet: cannot write to stdout: ${err.message}\n`);
  });
}

/** True once stdout has failed (the reader went away). */
export function isStdoutClosed(): boolean {
  return stdoutClosed;
}
