import type { Logger as SharedLogger } from '../shared/logger.js';

/** The part of the shared logger storage uses; the broker passes its own logger. */
export type Logger = Pick<SharedLogger, 'info' | 'warn' | 'error'>;
export { silentLogger } from '../shared/logger.js';
export { systemClock, type Clock } from '../shared/clock.js';
