import type { Command } from './command.js';
import { commands } from './commands/index.js';
import { packageVersion } from './version.js';
import { isRivuletError } from '../shared/errors.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'rivulet: event streaming and stream processing for TypeScript',
    '',
    'Usage: rivulet <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  --help     show this help (or `rivulet <command> --help`)',
    '  --version  print the version',
    '',
  ].join('\n');
}

/**
 * Runs the CLI with `argv` (the arguments after `node rivulet.js`); resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['topics', 'list']);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(help());
    return first === undefined ? 1 : 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === first);
  if (command === undefined) {
    process.stderr.write(`rivulet: unknown command '${first}'. Run 'rivulet --help' for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (isRivuletError(err)) {
      process.stderr.write(`rivulet ${command.name}: ${err.message} [${err.code}]\n`);
      return err.domain === 'user' ? 2 : 1;
    }
    throw err;
  }
}
