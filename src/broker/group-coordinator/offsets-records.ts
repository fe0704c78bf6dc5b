/**
 * The records of the internal `__consumer_offsets` topic, byte for byte in Kafka's format (its
 * group-coordinator module's OffsetCommitKey/Value and GroupMetadataKey/Value; our codegen reads
 * only the client message specs, so these few fields are written by hand). A tool that decodes
 * Kafka's offsets topic decodes ours.
 *
 * Key: int16 version, then
 *   - v0/v1 OffsetCommitKey:  group string, topic string, partition int32
 *   - v2    GroupMetadataKey: group string
 * Value (null = tombstone: the offset, or the whole group, was deleted):
 *   - OffsetCommitValue v1 (written when the commit has an explicit expiry, OffsetCommit v2–v4):
 *       offset int64, metadata string, commitTimestamp int64, expireTimestamp int64
 *   - OffsetCommitValue v3 (otherwise): offset int64, leaderEpoch int32, metadata string,
 *       commitTimestamp int64
 *   - GroupMetadataValue v3: protocolType string, generation int32, protocol nullable string,
 *       leader nullable string, currentStateTimestamp int64, members [memberId string,
 *       groupInstanceId nullable string, clientId string, clientHost string,
 *       rebalanceTimeout int32, sessionTimeout int32, subscription bytes, assignment bytes]
 * Older value versions (v0/v2 offsets, v0–v2 groups) are read too. Flexible v4 values (Kafka
 * 3.x+ with a newer metadata version) are not: a record we cannot read is skipped with a warning.
 */
import { ProtocolError } from '../../protocol/errors.js';
import { Reader } from '../../protocol/primitives/reader.js';
import { Writer } from '../../protocol/primitives/writer.js';

export type OffsetsRecordKey =
  | { readonly kind: 'offset'; readonly group: string; readonly topic: string; readonly partition: number }
  | { readonly kind: 'group'; readonly group: string };

/** A committed offset as stored. Timestamps are epoch ms; -1 means "none". */
export interface OffsetCommitValue {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
  /** Set only by OffsetCommit v2–v4 with a retention time; -1 otherwise. */
  readonly expireTimestamp: number;
}

export interface StoredMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** The member's metadata for the group's selected protocol. */
  readonly subscription: Buffer;
  readonly assignment: Buffer;
}

export interface GroupMetadataValue {
  readonly protocolType: string;
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  /** When the group entered its current state, -1 if unknown (v0/v1 values). */
  readonly stateTimestamp: number;
  readonly members: readonly StoredMember[];
}

export function encodeOffsetKey(group: string, topic: string, partition: number): Buffer {
  return new Writer(64).int16(1).string(group).string(topic).int32(partition).finish();
}

export function encodeGroupKey(group: string): Buffer {
  return new Writer(32).int16(2).string(group).finish();
}

export function encodeOffsetValue(v: OffsetCommitValue): Buffer {
  const w = new Writer(64);
  if (v.expireTimestamp >= 0) {
    // v1 is the only version with an expiry; it has no leader epoch (Kafka makes the same choice).
    w.int16(1).int64(BigInt(v.offset)).string(v.metadata);
    w.int64(BigInt(v.commitTimestamp)).int64(BigInt(v.expireTimestamp));
  } else {
    w.int16(3).int64(BigInt(v.offset)).int32(v.leaderEpoch).string(v.metadata);
    w.int64(BigInt(v.commitTimestamp));
  }
  return w.finish();
}

export function encodeGroupValue(v: GroupMetadataValue): Buffer {
  const w = new Writer(256);
  w.int16(3).string(v.protocolType).int32(v.generationId);
  w.nullableString(v.protocolName).nullableString(v.leaderId).int64(BigInt(v.stateTimestamp));
  w.arrayLength(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId).nullableString(m.groupInstanceId).string(m.clientId).string(m.clientHost);
    w.int32(m.rebalanceTimeoutMs).int32(m.sessionTimeoutMs).bytes(m.subscription).bytes(m.assignment);
  }
  return w.finish();
}

export function decodeKey(buf: Buffer): OffsetsRecordKey {
  const r = new Reader(buf);
  const version = r.int16();
  switch (version) {
    case 0:
    case 1:
      return { kind: 'offset', group: r.string(), topic: r.string(), partition: r.int32() };
    case 2:
      return { kind: 'group', group: r.string() };
    default:
      throw new ProtocolError('invalid-value', `__consumer_offsets: unknown key version ${version}`);
  }
}

export function decodeOffsetValue(buf: Buffer): OffsetCommitValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) {
    throw new ProtocolError('invalid-value', `__consumer_offsets: unknown offset value version ${version}`);
  }
  const offset = safe(r.int64(), 'offset');
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestamp = safe(r.int64(), 'commitTimestamp');
  const expireTimestamp = version === 1 ? safe(r.int64(), 'expireTimestamp') : -1;
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

export function decodeGroupValue(buf: Buffer): GroupMetadataValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 3) {
    throw new ProtocolError('invalid-value', `__consumer_offsets: unknown group value version ${version}`);
  }
  const protocolType = r.string();
  const generationId = r.int32();
  const protocolName = r.nullableString();
  const leaderId = r.nullableString();
  const stateTimestamp = version >= 2 ? safe(r.int64(), 'currentStateTimestamp') : -1;
  const count = r.arrayLength();
  const members: StoredMember[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    // Copies: the caller's buffer is a whole read chunk of the log.
    const subscription = Buffer.from(r.bytes());
    const assignment = Buffer.from(r.bytes());
    members.push({
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      rebalanceTimeoutMs: rebalanceTimeoutMs < 0 ? sessionTimeoutMs : rebalanceTimeoutMs,
      sessionTimeoutMs,
      subscription,
      assignment,
    });
  }
  return { protocolType, generationId, protocolName, leaderId, stateTimestamp, members };
}

function safe(v: bigint, field: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtocolError('invalid-value', `__consumer_offsets: ${field} ${v} is not a safe integer`);
  }
  return Number(v);
}
