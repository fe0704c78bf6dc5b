import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isProtocolError } from './errors.js';
import { frame, FrameReader } from './frame.js';

function stream(...payloads: Buffer[]): Buffer {
  return Buffer.concat(payloads.map(frame));
}

describe('FrameReader', () => {
  it('returns a whole frame as a view of the chunk it arrived in', () => {
    const chunk = stream(Buffer.from('hello'));
    const frames = new FrameReader(1024).push(chunk);
    expect(frames).toEqual([Buffer.from('hello')]);
    expect(frames[0]!.buffer).toBe(chunk.buffer);
  });

  it('returns every frame of a chunk that holds many, including empty ones', () => {
    const r = new FrameReader(1024);
    expect(r.push(stream(Buffer.from('a'), Buffer.alloc(0), Buffer.from('bcd')))).toEqual([
      Buffer.from('a'),
      Buffer.alloc(0),
      Buffer.from('bcd'),
    ]);
    expect(r.pendingBytes).toBe(0);
  });

  it('assembles a frame whose length prefix and body are split across chunks', () => {
    const bytes = stream(Buffer.from('split me'));
    const r = new FrameReader(1024);
    expect(r.push(bytes.subarray(0, 2))).toEqual([]);
    expect(r.push(bytes.subarray(2, 6))).toEqual([]);
    expect(r.pendingBytes).toBe(6);
    expect(r.push(bytes.subarray(6))).toEqual([Buffer.from('split me')]);
    expect(r.pendingBytes).toBe(0);
  });

  it('gives the same frames however the stream is cut into chunks (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (payloads, cuts) => {
          const bytes = stream(...payloads.map((p) => Buffer.from(p)));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const r = new FrameReader(1024);
          const frames: Buffer[] = [];
          let from = 0;
          for (const to of [...points, bytes.length]) {
            frames.push(...r.push(bytes.subarray(from, to)));
            from = to;
          }
          expect(frames).toEqual(payloads.map((p) => Buffer.from(p)));
          expect(r.pendingBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects an oversized frame as soon as its length arrives, before buffering any of it', () => {
    const r = new FrameReader(100);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(101);
    let error: unknown;
    try {
      r.push(prefix);
    } catch (err) {
      error = err;
    }
    expect(isProtocolError(error, 'frame-too-large')).toBe(true);
    expect(() => new FrameReader(100).push(Buffer.concat([frame(Buffer.alloc(10)), prefix]))).toThrow(
      expect.objectContaining({ kind: 'frame-too-large' }),
    );
    expect(new FrameReader(100).push(frame(Buffer.alloc(100)))).toHaveLength(1);
  });

  it('rejects a negative size, even split across chunks', () => {
    expect(() => new FrameReader(100).push(Buffer.from('ffffffff', 'hex'))).toThrow(
      expect.objectContaining({ kind: 'invalid-length' }),
    );
    const r = new FrameReader(100);
    expect(r.push(Buffer.from('80', 'hex'))).toEqual([]);
    expect(() => r.push(Buffer.from('000000', 'hex'))).toThrow(
      expect.objectContaining({ kind: 'invalid-length' }),
    );
  });

  it('frame() prefixes a payload with its int32 size', () => {
    expect(frame(Buffer.from('abc')).toString('hex')).toBe('00000003616263');
  });
});
