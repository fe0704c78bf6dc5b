import { ProtocolError } from './errors.js';

/**
 * Splits a byte stream into Kafka's size-prefixed frames (int32 length, then that many bytes).
 * The length is checked against `maxFrameBytes` as soon as its 4 bytes arrive, before any of the
 * frame is buffered, so an absurd length costs nothing. Frames that arrive within one chunk are
 * returned as slices of it (zero copy); frames spanning chunks are assembled once.
 */
export class FrameReader {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being assembled, or -1 while its length prefix is incomplete. */
  private frameSize = -1;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Feeds a chunk; returns the frames it completed (payloads without the length prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    if (this.buffered === 0) {
      // Fast path: parse frames straight out of the chunk.
      let offset = 0;
      while (chunk.length - offset >= 4) {
        const size = this.checkSize(chunk.readInt32BE(offset));
        if (chunk.length - offset - 4 < size) break;
        frames.push(chunk.subarray(offset + 4, offset + 4 + size));
        offset += 4 + size;
      }
      if (offset === chunk.length) return frames;
      chunk = chunk.subarray(offset);
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) return frames;
        this.frameSize = this.checkSize(this.peekInt32());
      }
      if (this.buffered < 4 + this.frameSize) return frames;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      frames.push(all.subarray(4, 4 + this.frameSize));
      const rest = all.subarray(4 + this.frameSize);
      this.frameSize = -1;
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      if (rest.length === 0) return frames;
    }
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, this.buffered).readInt32BE(0);
  }

  private checkSize(size: number): number {
    if (size < 0) throw new ProtocolError('invalid-length', `frame: negative size ${size}`);
    if (size > this.maxFrameBytes) {
      throw new ProtocolError(
        'frame-too-large',
        `frame: ${size} bytes exceeds the maximum of ${this.maxFrameBytes} (socket.request.max.bytes)`,
      );
    }
    return size;
  }
}

/** Prefixes a payload with its int32 size. */
export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}
