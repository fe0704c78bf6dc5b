import { parseHostPort } from '../../broker/address.js';
import { startBroker } from '../../broker/broker.js';
import { readPropertiesFile } from '../../broker/config.js';
import { isLogLevel, jsonLogger } from '../../shared/logger.js';
import { RivuletError } from '../../shared/errors.js';
import { keyValues, parseFlags } from '../args.js';
import type { Command } from '../command.js';

const usage = `Usage: rivulet broker [options]

Runs a Kafka-compatible broker in the foreground. Logs go to stderr as JSON lines.
SIGTERM or SIGINT stops it cleanly (in-flight requests finish, logs are fsynced).

Options:
  --data-dir DIR          where topics are stored (default ./.rivulet/data)
  --listen HOST:PORT      address to listen on (default 127.0.0.1:9092; port 0 picks one)
  --advertise HOST:PORT   address clients are told to use (default: the listen address;
                          required when listening on 0.0.0.0 or ::)
  --config FILE           broker config in Java properties form (Kafka's key names)
  --set key=value         one broker config, repeatable; wins over --config
  --log-level LEVEL       debug, info (default), warn, error
`;

/** Waits for SIGINT/SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const broker: Command = {
  name: 'broker',
  summary: 'run a Kafka-compatible broker',
  usage,
  async run(args) {
    const { values } = parseFlags(args, {
      'data-dir': { type: 'string', default: './.rivulet/data' },
      listen: { type: 'string', default: '127.0.0.1:9092' },
      advertise: { type: 'string' },
      config: { type: 'string' },
      set: { type: 'string', multiple: true },
      'log-level': { type: 'string', default: 'info' },
    });
    const level = values['log-level'];
    if (!isLogLevel(level)) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        `--log-level must be debug, info, warn or error, got '${level}'`,
      );
    }
    const listen = parseHostPort(values.listen, '--listen');
    const config = {
      ...(values.config === undefined ? {} : readPropertiesFile(values.config)),
      ...keyValues(values.set, '--set'),
    };
    const logger = jsonLogger({ level });
    const b = await startBroker({
      dataDir: values['data-dir'],
      host: listen.host,
      port: listen.port,
      ...(values.advertise === undefined ? {} : { advertise: values.advertise }),
      config,
      logger,
    });
    const sig = await untilSignal();
    logger.info('stopping', { signal: sig });
    await b.close();
    return 0;
  },
};
