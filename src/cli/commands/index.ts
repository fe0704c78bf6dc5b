import type { Command } from '../command.js';
import { broker } from './broker.js';
import { consume } from './consume.js';
import { groups } from './groups.js';
import { nexmark } from './nexmark.js';
import { produce } from './produce.js';
import { start } from './start.js';
import { topics } from './topics.js';

/** Every sub-command, in the order `rivulet --help` lists them. */
export const commands: readonly Command[] = [start, broker, topics, produce, consume, groups, nexmark];
