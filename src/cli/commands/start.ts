import { parseHostPort } from '../../broker/address.js';
import { startBroker } from '../../broker/broker.js';
import { jsonLogger } from '../../shared/logger.js';
import { parseFlags } from '../args.js';
import type { Command } from '../command.js';
import { DEMO_TOPIC, startDemo } from '../demo.js';
import { untilSignal } from './broker.js';

const usage = `Usage: rivulet start [--data-dir DIR] [--listen HOST:PORT] [--no-demo]

What \`npm start\` runs: a broker with embedded storage on 127.0.0.1:9092 and a live demo that
writes page-view events to the topic '${DEMO_TOPIC}'. Ctrl-C stops it cleanly.
`;

function banner(bootstrap: string, demo: boolean): string {
  return `
Rivulet is running: a Kafka-compatible broker on ${bootstrap}
${demo ? `A demo is writing page views to the topic '${DEMO_TOPIC}' every second.\n` : ''}
Connect with kcat:
  kcat -b ${bootstrap} -L
  kcat -b ${bootstrap} -C -t ${DEMO_TOPIC} -f '%k: %s\\n'
  echo 'hello' | kcat -b ${bootstrap} -P -t my-topic

Connect with kafkajs:
  const { Kafka } = require('kafkajs');
  const kafka = new Kafka({ brokers: ['${bootstrap}'] });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'my-topic', messages: [{ value: 'hello' }] });

Or with Rivulet's CLI (in another terminal):
  node bin/rivulet.js topics list --bootstrap ${bootstrap}

Logs follow on stderr. Press Ctrl-C to stop.
`;
}

/** `rivulet start`: what `npm start` runs. */
export const start: Command = {
  name: 'start',
  summary: 'run the broker with embedded storage and a live demo (what `npm start` runs)',
  usage,
  async run(args) {
    const { values } = parseFlags(args, {
      'data-dir': { type: 'string', default: './.rivulet/data' },
      listen: { type: 'string', default: '127.0.0.1:9092' },
      'no-demo': { type: 'boolean', default: false },
    });
    const listen = parseHostPort(values.listen, '--listen');
    const log = jsonLogger({ level: 'info' });
    const broker = await startBroker({
      dataDir: values['data-dir'],
      host: listen.host,
      port: listen.port,
      logger: log,
    });
    const stopDemo = values['no-demo']
      ? undefined
      : await startDemo(broker, log.child({ component: 'demo' }));
    process.stdout.write(banner(broker.bootstrap, stopDemo !== undefined));
    const sig = await untilSignal();
    log.info('stopping', { signal: sig });
    await stopDemo?.();
    await broker.close();
    return 0;
  },
};
