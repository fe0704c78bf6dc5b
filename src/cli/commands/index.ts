import type { Command } from '../command.js';
import { broker } from './broker.js';
import { nexmark } from './nexmark.js';
import { start } from './start.js';

/** Every sub-command, in the order `rivulet --help` lists them. */
export const commands: readonly Command[] = [start, broker, nexmark];
