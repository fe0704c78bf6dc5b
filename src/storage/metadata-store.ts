import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { StorageError } from './errors.js';
import { METADATA_FILE } from './file-names.js';
import { type FileIo, writeFileAtomic } from './file-io.js';
import type { TopicMetadata } from './log-types.js';

/** Kafka reserves this id for its metadata topic. */
const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

/** A random (version 4) UUID in Kafka's string form; never one Kafka reserves or one starting with '-'. */
export function randomKafkaUuid(): string {
  for (;;) {
    const bytes = randomBytes(16);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const id = bytes.toString('base64url');
    if (!id.startsWith('-') && id !== ZERO_UUID && id !== METADATA_TOPIC_ID) return id;
  }
}

interface MetadataFile {
  readonly version: 1;
  readonly clusterId: string;
  readonly nodeId: number;
  readonly topics: TopicMetadata[];
}

function parse(bytes: Buffer, file: string): MetadataFile {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new StorageError('corrupt-data', `${file} is not valid JSON`, { cause: err });
  }
  const m = raw as Partial<MetadataFile>;
  if (
    m.version !== 1 ||
    typeof m.clusterId !== 'string' ||
    typeof m.nodeId !== 'number' ||
    !Array.isArray(m.topics)
  ) {
    throw new StorageError('corrupt-data', `${file} does not hold version 1 metadata`);
  }
  for (const t of m.topics) {
    if (typeof t.name !== 'string' || typeof t.topicId !== 'string' || !Number.isInteger(t.partitions)) {
      throw new StorageError('corrupt-data', `${file} has a malformed topic entry`);
    }
  }
  return m as MetadataFile;
}

/**
 * The node's metadata (cluster id, node id, topics with ids, partition counts and config
 * overrides) in `<data-dir>/metadata.json`, replaced atomically on every change (write
 * temp, fsync, rename, fsync directory). The cluster id is generated once, with the file.
 */
export class MetadataStore {
  private readonly io: FileIo;
  private readonly file: string;
  readonly clusterId: string;
  readonly nodeId: number;
  private readonly byName = new Map<string, TopicMetadata>();
  private readonly byId = new Map<string, TopicMetadata>();
  private chain: Promise<void> = Promise.resolve();

  private constructor(io: FileIo, file: string, content: MetadataFile) {
    this.io = io;
    this.file = file;
    this.clusterId = content.clusterId;
    this.nodeId = content.nodeId;
    for (const t of content.topics) {
      this.byName.set(t.name, t);
      this.byId.set(t.topicId, t);
    }
  }

  /** Loads the store, creating it (with a new cluster id) when `create` allows. */
  static async open(
    io: FileIo,
    dataDir: string,
    opts: { nodeId: number; create: boolean },
  ): Promise<MetadataStore> {
    const file = path.join(dataDir, METADATA_FILE);
    const bytes = await io.readFile(file);
    if (bytes !== undefined) return new MetadataStore(io, file, parse(bytes, file));
    if (!opts.create) {
      throw new StorageError(
        'corrupt-data',
        `${file} is missing but ${dataDir} holds partition data; refusing to start with an empty catalog`,
      );
    }
    const store = new MetadataStore(io, file, {
      version: 1,
      clusterId: randomKafkaUuid(),
      nodeId: opts.nodeId,
      topics: [],
    });
    await store.persist();
    return store;
  }

  topics(): TopicMetadata[] {
    return [...this.byName.values()];
  }

  get(name: string): TopicMetadata | undefined {
    return this.byName.get(name);
  }

  getById(topicId: string): TopicMetadata | undefined {
    return this.byId.get(topicId);
  }

  /** Adds or replaces a topic and persists. */
  async put(topic: TopicMetadata): Promise<void> {
    const old = this.byName.get(topic.name);
    if (old !== undefined) this.byId.delete(old.topicId);
    this.byName.set(topic.name, topic);
    this.byId.set(topic.topicId, topic);
    await this.persist();
  }

  async remove(name: string): Promise<void> {
    const old = this.byName.get(name);
    if (old === undefined) return;
    this.byName.delete(name);
    this.byId.delete(old.topicId);
    await this.persist();
  }

  private persist(): Promise<void> {
    const write = (): Promise<void> => {
      const content: MetadataFile = {
        version: 1,
        clusterId: this.clusterId,
        nodeId: this.nodeId,
        topics: [...this.byName.values()],
      };
      return writeFileAtomic(this.io, this.file, Buffer.from(JSON.stringify(content, null, 2) + '\n'));
    };
    const done = this.chain.then(write, write);
    this.chain = done.catch(() => undefined);
    return done;
  }
}
