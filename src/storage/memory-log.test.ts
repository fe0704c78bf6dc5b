import { describePartitionLogContract } from '../../test/storage/support/contract.js';
import { resolveLogConfig } from './config.js';
import { MemoryPartitionLog } from './memory-log.js';

describePartitionLogContract('memory', (configs, clock) => {
  const log = new MemoryPartitionLog('t', 0, resolveLogConfig(configs), clock);
  return Promise.resolve({
    log,
    close: () => {
      log.close();
      return Promise.resolve();
    },
  });
});
