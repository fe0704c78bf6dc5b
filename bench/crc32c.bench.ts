import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c } from '../src/protocol/records/crc32c.js';
import { defineBenchmarks } from './harness.js';

/** CRC-32C over 1 MiB, beside native plain CRC-32 and a byte comparison of the same bytes. */
export default defineBenchmarks({
  area: 'crc32c',
  benchmarks: () => {
    const size = 1 << 20;
    const data = randomBytes(size);
    const copy = Buffer.from(data);
    const subject = { label: 'crc32c (@node-rs/crc32)', run: () => crc32c(data), bytes: size };
    return [
      {
        name: 'CRC-32C of 1 MiB vs zlib.crc32',
        subject,
        baseline: { label: 'zlib.crc32 (CRC-32)', run: () => crc32(data), bytes: size },
      },
      {
        name: 'CRC-32C of 1 MiB vs buf.equals',
        subject,
        baseline: { label: 'buf.equals(copy)', run: () => data.equals(copy), bytes: size },
      },
    ];
  },
});
