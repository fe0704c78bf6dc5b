import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { decompressFrameSync } from 'lz4-napi';
import { uncompressSync } from 'snappy';
import { CompressionType } from '../src/protocol/records/batch-view.js';
import {
  compress,
  compressionName,
  decompress,
  initCompression,
} from '../src/protocol/records/compression.js';
import { defineBenchmarks } from './harness.js';
import { jsonRecords, recordsSection } from './inputs.js';

/**
 * Each codec on the records of a realistic batch: ~1 MiB of 100-byte JSON-ish records, as the
 * encoder lays them out before compression. The baseline is what Node offers built in on the
 * same bytes, native zlib: raw deflate at its fastest level (1) and raw inflate.
 */
export default defineBenchmarks({
  area: 'compression',
  setup: initCompression,
  benchmarks: () => {
    const plain = recordsSection(jsonRecords(1 << 20));
    const deflated = deflateRawSync(plain, { level: 1 });
    const deflate = {
      label: 'zlib deflate -1',
      run: () => deflateRawSync(plain, { level: 1 }),
      bytes: plain.length,
    };
    const inflate = { label: 'zlib inflate', run: () => inflateRawSync(deflated), bytes: plain.length };
    const codecs = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
    const perCodec = codecs.flatMap((codec) => {
      const name = compressionName(codec);
      const packed = compress(codec, plain);
      const ratio = () =>
        `${(plain.length / 1024).toFixed(0)} KiB → ${(packed.length / 1024).toFixed(0)} KiB (${(plain.length / packed.length).toFixed(2)}:1)`;
      return [
        {
          name: `${name} compress 1 MiB`,
          subject: { label: name, run: () => compress(codec, plain), bytes: plain.length },
          baseline: deflate,
          note: ratio,
        },
        {
          name: `${name} decompress 1 MiB`,
          // MB/s of uncompressed output, the usual convention.
          subject: { label: name, run: () => decompress(codec, packed), bytes: plain.length },
          baseline: inflate,
        },
      ];
    });
    // Why the codecs are called as they are (docs/compression.md): the same bytes through the
    // packages' plain APIs.
    const lz4Frame = compress(CompressionType.Lz4, plain);
    const snappyBlock = compress(CompressionType.Snappy, plain);
    const why = [
      {
        name: 'lz4 decompress: block path vs frame API',
        subject: { label: 'ours', run: () => decompress(CompressionType.Lz4, lz4Frame), bytes: plain.length },
        baseline: {
          label: 'decompressFrameSync',
          run: () => decompressFrameSync(lz4Frame),
          bytes: plain.length,
        },
      },
      {
        name: 'snappy decompress: copy vs external buffer',
        subject: {
          label: 'ours',
          run: () => decompress(CompressionType.Snappy, snappyBlock),
          bytes: plain.length,
        },
        baseline: {
          label: 'uncompressSync default',
          run: () => uncompressSync(snappyBlock, { asBuffer: true }),
          bytes: plain.length,
        },
      },
    ];
    return [...perCodec, ...why];
  },
});
