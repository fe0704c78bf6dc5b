import { Admin } from '../../client/admin.js';
import type { PartitionOffsets } from '../../client/admin-types.js';
import type { TopicInfo } from '../../client/cluster.js';
import { isKafkaError } from '../../client/errors.js';
import { RivuletError } from '../../shared/errors.js';
import { intFlag, keyValues, parseFlags } from '../args.js';
import type { Command } from '../command.js';
import {
  BOOTSTRAP_USAGE,
  bootstrapFlag,
  cliClientOptions,
  CONNECT_TIMEOUT_MS,
  explainTopicError,
  topicArg,
  writeOut,
} from './kafka-flags.js';
import { table } from './table.js';

const usage = `Usage: rivulet topics <list|create|describe|delete> [options]

Manages topics on a Kafka broker (Rivulet's or any other).

  rivulet topics list                          topic names, one per line
  rivulet topics create NAME [--partitions N] [--config key=value ...]
  rivulet topics describe NAME                 partitions, offsets and non-default configs
  rivulet topics delete NAME [NAME ...]

Options:
${BOOTSTRAP_USAGE}
  --partitions N          partitions of a new topic (default: the broker's num.partitions)
  --replication-factor N  replicas of a new topic (default: the broker's default)
  --config key=value      a topic config (Kafka's names: retention.ms, cleanup.policy …); repeatable
  --validate-only         check a create without creating
  --if-not-exists         create: succeed quietly when the topic exists
  --json                  machine-readable output
`;

const flags = {
  ...bootstrapFlag,
  topic: { type: 'string' },
  partitions: { type: 'string' },
  'replication-factor': { type: 'string' },
  config: { type: 'string', multiple: true },
  'validate-only': { type: 'boolean', default: false },
  'if-not-exists': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseFlags<typeof flags>>['values'];

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

async function list(admin: Admin, v: Values): Promise<void> {
  const names = await admin.listTopics();
  if (!v.json) {
    await writeOut(names.map((n) => `${n}\n`).join(''));
    return;
  }
  const infos = names.length === 0 ? [] : await admin.describeTopics(names);
  await writeOut(
    json(infos.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.length }))),
  );
}

async function create(admin: Admin, v: Values, positionals: readonly string[]): Promise<void> {
  const name = topicArg(v.topic, positionals, 'topics create');
  const partitions =
    v.partitions === undefined ? undefined : intFlag(v.partitions, '--partitions', 1, 1, 1_000_000);
  const rf = v['replication-factor'];
  const replicationFactor = rf === undefined ? undefined : intFlag(rf, '--replication-factor', 1, 1, 32767);
  const configs = keyValues(v.config, '--config');
  const validateOnly = v['validate-only'];
  let created;
  try {
    [created] = await admin.createTopics(
      [
        {
          name,
          configs,
          ...(partitions === undefined ? {} : { partitions }),
          ...(replicationFactor === undefined ? {} : { replicationFactor }),
        },
      ],
      { validateOnly },
    );
  } catch (err) {
    if (v['if-not-exists'] && isKafkaError(err, 'TOPIC_ALREADY_EXISTS')) {
      if (v.json) await writeOut(json({ name, created: false }));
      else process.stderr.write(`Topic '${name}' already exists.\n`);
      return;
    }
    throw err;
  }
  const n = created?.partitions ?? -1;
  if (v.json) {
    await writeOut(json({ ...created, created: !validateOnly, validateOnly }));
  } else {
    const what = n > 0 ? ` with ${n} partition${n === 1 ? '' : 's'}` : '';
    await writeOut(
      validateOnly ? `Topic '${name}' can be created${what}.\n` : `Created topic '${name}'${what}.\n`,
    );
  }
}

async function describe(admin: Admin, v: Values, positionals: readonly string[]): Promise<void> {
  const name = topicArg(v.topic, positionals, 'topics describe');
  let info: TopicInfo;
  let offsets: PartitionOffsets[];
  try {
    [info] = (await admin.describeTopics([name])) as [TopicInfo];
    offsets = await admin.partitionOffsets(name);
  } catch (err) {
    explainTopicError(err, name);
  }
  const [described] = await admin.describeConfigs([{ type: 'topic', name }]);
  const configs = Object.fromEntries(
    (described?.entries ?? [])
      .filter((e) => !e.isDefault && e.source !== 'UNKNOWN')
      .map((e) => [e.name, e.value]),
  );
  const partitions = info.partitions.map((p, i) => ({
    partition: p.partition,
    leader: p.leader,
    replicas: p.replicas,
    isr: p.isr,
    start: offsets[i]?.start ?? -1,
    end: offsets[i]?.end ?? -1,
  }));
  if (v.json) {
    await writeOut(json({ name, topicId: info.topicId, internal: info.isInternal, partitions, configs }));
    return;
  }
  const records = partitions.reduce((n, p) => n + Math.max(0, p.end - p.start), 0);
  const lines = [
    `Topic: ${name}`,
    `Id: ${info.topicId}`,
    `Partitions: ${partitions.length}   Records: ${records}`,
    '',
    table([
      ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'START', 'END'],
      ...partitions.map((p) => [
        String(p.partition),
        String(p.leader),
        p.replicas.join(','),
        p.isr.join(','),
        String(p.start),
        String(p.end),
      ]),
    ]).trimEnd(),
    '',
    Object.keys(configs).length === 0 ? 'Configs: all defaults' : 'Configs (not defaults):',
    ...Object.entries(configs).map(([k, val]) => `  ${k}=${val ?? ''}`),
  ];
  await writeOut(`${lines.join('\n')}\n`);
}

async function remove(admin: Admin, v: Values, positionals: readonly string[]): Promise<void> {
  const names = v.topic === undefined ? positionals : [v.topic, ...positionals];
  if (names.length === 0)
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', 'topics delete needs a topic name');
  for (const name of names) {
    try {
      await admin.deleteTopics([name]);
    } catch (err) {
      explainTopicError(err, name);
    }
  }
  if (v.json) await writeOut(json({ deleted: names }));
  else await writeOut(names.map((n) => `Deleted topic '${n}'.\n`).join(''));
}

/** `rivulet topics list|create|describe|delete`. */
export const topics: Command = {
  name: 'topics',
  summary: 'list, create, describe and delete topics',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags(args, flags, true);
    const [action, ...rest] = positionals;
    const actions = ['list', 'create', 'describe', 'delete'];
    if (action === undefined || !actions.includes(action)) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        action === undefined
          ? `topics needs an action: ${actions.join(', ')}`
          : `unknown topics action '${action}' (use ${actions.join(', ')})`,
      );
    }
    const admin = new Admin(cliClientOptions(values.bootstrap));
    try {
      await admin.connect(CONNECT_TIMEOUT_MS);
      if (action === 'list') await list(admin, values);
      else if (action === 'create') await create(admin, values, rest);
      else if (action === 'describe') await describe(admin, values, rest);
      else await remove(admin, values, rest);
    } finally {
      await admin.close();
    }
    return 0;
  },
};
