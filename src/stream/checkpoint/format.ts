import { deserialize, serialize } from 'node:v8';
import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { StreamError, StreamErrorCode } from '../core/errors.js';

/**
 * A completed checkpoint or savepoint: every task's state by operator uid (each a V8-serialised
 * snapshot in that task's own versioned format) plus job facts checked on restore.
 */
export interface CheckpointData {
  readonly id: number;
  readonly kind: 'checkpoint' | 'savepoint';
  /** Wall-clock time the checkpoint was taken. */
  readonly timestamp: number;
  readonly jobName: string;
  readonly keyGroups: number;
  /** True for the final checkpoint of a job whose bounded inputs all ended. */
  readonly finished: boolean;
  readonly states: ReadonlyMap<string, Uint8Array>;
}

/**
 * File format, version 1:
 *
 * ```
 * offset 0  4 bytes  magic "RVCK"
 *        4  u16 BE   format version (1)
 *        6  u32 BE   CRC-32C of everything after this field
 *       10  u32 BE   length M of the metadata
 *       14  M bytes  metadata: V8 serialisation of
 *                    { id, kind, timestamp, jobName, keyGroups, finished, states: [uid, bytes][] }
 *       …            the task states' bytes, back to back, in the order of `states`
 * ```
 *
 * Task states are already V8-serialised (each in its task's own versioned format) when the
 * checkpoint is taken, so they are copied as they are rather than serialised again. The V8
 * format carries its own version and newer Node releases read older ones. The CRC catches a
 * torn or damaged file (atomic rename already prevents torn writes).
 */
export const CHECKPOINT_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('RVCK', 'latin1');

/** CRC-32C, from the same native package the protocol layer uses (not imported from it: layers). */
const crc32c = (bytes: Uint8Array): number => nativeCrc32c(bytes) >>> 0;
const HEADER = 14;

/** Encodes a checkpoint into the bytes of a checkpoint file. */
export function encodeCheckpoint(data: CheckpointData): Buffer {
  const index: Array<[string, number]> = [];
  let stateBytes = 0;
  for (const [uid, bytes] of data.states) {
    index.push([uid, bytes.byteLength]);
    stateBytes += bytes.byteLength;
  }
  const meta = serialize({
    id: data.id,
    kind: data.kind,
    timestamp: data.timestamp,
    jobName: data.jobName,
    keyGroups: data.keyGroups,
    finished: data.finished,
    states: index,
  });
  const out = Buffer.allocUnsafe(HEADER + meta.length + stateBytes);
  MAGIC.copy(out, 0);
  out.writeUInt16BE(CHECKPOINT_FORMAT_VERSION, 4);
  out.writeUInt32BE(meta.length, 10);
  meta.copy(out, HEADER);
  let at = HEADER + meta.length;
  for (const bytes of data.states.values()) {
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  out.writeUInt32BE(crc32c(out.subarray(10)), 6);
  return out;
}

/** Decodes a checkpoint file; `where` names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, where: string): CheckpointData {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER || !buf.subarray(0, 4).equals(MAGIC)) {
    throw new StreamError(StreamErrorCode.checkpoint, `${where}: not a Rivulet checkpoint (bad magic)`);
  }
  const version = buf.readUInt16BE(4);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new StreamError(
      StreamErrorCode.checkpoint,
      `${where}: checkpoint format ${version} is not supported (this version reads ${CHECKPOINT_FORMAT_VERSION})`,
    );
  }
  if (crc32c(buf.subarray(10)) !== buf.readUInt32BE(6)) {
    throw new StreamError(StreamErrorCode.checkpoint, `${where}: checksum mismatch (damaged checkpoint)`);
  }
  const metaLength = buf.readUInt32BE(10);
  const meta = deserialize(buf.subarray(HEADER, HEADER + metaLength)) as Omit<CheckpointData, 'states'> & {
    states: Array<[string, number]>;
  };
  const states = new Map<string, Uint8Array>();
  let at = HEADER + metaLength;
  for (const [uid, length] of meta.states) {
    if (at + length > buf.length)
      throw new StreamError(StreamErrorCode.checkpoint, `${where}: truncated state of '${uid}'`);
    states.set(uid, buf.subarray(at, at + length));
    at += length;
  }
  return { ...meta, states };
}

/** Serialises one task snapshot (what the runtime stores per uid). */
export function encodeState(state: unknown): Uint8Array {
  return serialize(state);
}

/** Deserialises one task snapshot. */
export function decodeState(bytes: Uint8Array): unknown {
  return deserialize(bytes);
}
