import type { Command } from '../command.js';

/** `rivulet start`: what `npm start` runs. */
export const start: Command = {
  name: 'start',
  summary: 'start Rivulet with embedded storage (what `npm start` runs)',
  usage: 'Usage: rivulet start\n\nStarts Rivulet with embedded storage.\n',
  run() {
    process.stdout.write(
      'Rivulet: the broker is not built yet. Today this package holds the Kafka protocol layer;\n' +
        'run `npm test` to exercise it.\n',
    );
    return Promise.resolve(0);
  },
};
