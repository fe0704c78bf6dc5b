import { deserialize, serialize } from 'node:v8';
import { crc32c } from '../../protocol/records/crc32c.js';
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
 *        6  u32 BE   CRC-32C of the payload
 *       10  …        payload: V8 serialisation of
 *                    { id, kind, timestamp, jobName, keyGroups, finished, states: Map<uid, Uint8Array> }
 * ```
 *
 * The V8 format carries its own version and newer Node releases read older ones. The CRC
 * catches a torn or damaged file (atomic rename already prevents torn writes).
 */
export const CHECKPOINT_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('RVCK', 'latin1');
const HEADER = 10;

/** Encodes a checkpoint into the bytes of a checkpoint file. */
export function encodeCheckpoint(data: CheckpointData): Buffer {
  const payload = serialize({
    id: data.id,
    kind: data.kind,
    timestamp: data.timestamp,
    jobName: data.jobName,
    keyGroups: data.keyGroups,
    finished: data.finished,
    states: new Map(data.states),
  });
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  MAGIC.copy(out, 0);
  out.writeUInt16BE(CHECKPOINT_FORMAT_VERSION, 4);
  out.writeUInt32BE(crc32c(payload), 6);
  payload.copy(out, HEADER);
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
  const payload = buf.subarray(HEADER);
  if (crc32c(payload) !== buf.readUInt32BE(6)) {
    throw new StreamError(StreamErrorCode.checkpoint, `${where}: checksum mismatch (damaged checkpoint)`);
  }
  const data = deserialize(payload) as CheckpointData;
  return data;
}

/** Serialises one task snapshot (what the runtime stores per uid). */
export function encodeState(state: unknown): Uint8Array {
  return serialize(state);
}

/** Deserialises one task snapshot. */
export function decodeState(bytes: Uint8Array): unknown {
  return deserialize(bytes);
}
