import { Admin } from '../../client/admin.js';
import { isKafkaError, KafkaError } from '../../client/errors.js';
import type { GroupLag } from '../../client/group-admin.js';
import { RivuletError } from '../../shared/errors.js';
import { parseFlags } from '../args.js';
import type { Command } from '../command.js';
import {
  BOOTSTRAP_USAGE,
  bootstrapFlag,
  cliClientOptions,
  CONNECT_TIMEOUT_MS,
  writeOut,
} from './kafka-flags.js';
import { table } from './table.js';

const usage = `Usage: rivulet groups <list|describe|delete> [options]

Inspects and deletes consumer groups on a Kafka broker (Rivulet's or any other).

  rivulet groups list                     every group with its state
  rivulet groups describe GROUP           members, assignments, committed offsets and lag
  rivulet groups delete GROUP [GROUP ...] deletes groups without members, with their offsets

Options:
${BOOTSTRAP_USAGE}
  --state S               list: only groups in state S (Stable, Empty, PreparingRebalance,
                          CompletingRebalance, Dead); repeatable
  --json                  machine-readable output
`;

const flags = {
  ...bootstrapFlag,
  group: { type: 'string' },
  state: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseFlags<typeof flags>>['values'];

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const dash = (v: number | string | null): string => (v === null || v === '' ? '-' : String(v));

function groupArgs(v: Values, positionals: readonly string[], action: string): string[] {
  const ids = v.group === undefined ? [...positionals] : [v.group, ...positionals];
  if (ids.length === 0 || ids.includes('')) {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `groups ${action} needs a group id`);
  }
  return ids;
}

function notFound(groupId: string): RivuletError {
  return new RivuletError('RIV_ERR_INVALID_ARGUMENT', `group '${groupId}' does not exist`);
}

async function list(admin: Admin, v: Values): Promise<void> {
  const groups = await admin.listGroups({ states: v.state ?? [] });
  if (v.json) {
    await writeOut(json(groups));
    return;
  }
  if (groups.length === 0) {
    process.stderr.write('No groups.\n');
    return;
  }
  await writeOut(
    table([
      ['GROUP', 'STATE', 'TYPE'],
      ...groups.map((g) => [g.groupId, dash(g.state), dash(g.protocolType)]),
    ]),
  );
}

/** The describe report as JSON: the group, its members, and lag per partition. */
function describeJson(g: GroupLag): unknown {
  return {
    groupId: g.groupId,
    state: g.state,
    protocolType: g.protocolType,
    protocol: g.protocol,
    coordinator: g.coordinator,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: m.assignment,
    })),
    offsets: g.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      committedOffset: p.committedOffset,
      endOffset: p.endOffset,
      lag: p.lag,
      memberId: p.owner?.memberId ?? null,
      metadata: p.metadata,
    })),
    totalLag: g.totalLag,
  };
}

function describeText(g: GroupLag): string {
  const c = g.coordinator;
  const protocol = g.protocol === '' ? dash(g.protocolType) : `${g.protocolType} (${g.protocol})`;
  const lines = [
    `Group: ${g.groupId}`,
    `State: ${g.state}   Protocol: ${protocol}   Members: ${g.members.length}   Coordinator: ${c.nodeId} (${c.host}:${c.port})`,
    '',
  ];
  if (g.members.length === 0) {
    lines.push('Members: none');
  } else {
    const partitions = (m: GroupLag['members'][number]): string =>
      m.assignment.length === 0 ? '-' : m.assignment.map((tp) => `${tp.topic}-${tp.partition}`).join(',');
    lines.push(
      table([
        ['MEMBER-ID', 'CLIENT-ID', 'HOST', 'INSTANCE-ID', 'PARTITIONS'],
        ...g.members.map((m) => [
          m.memberId,
          m.clientId,
          m.clientHost,
          dash(m.groupInstanceId),
          partitions(m),
        ]),
      ]).trimEnd(),
    );
  }
  lines.push('');
  if (g.partitions.length === 0) {
    lines.push('Offsets: none committed');
  } else {
    lines.push(
      table([
        ['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'MEMBER-ID'],
        ...g.partitions.map((p) => [
          p.topic,
          String(p.partition),
          dash(p.committedOffset),
          dash(p.endOffset),
          dash(p.lag),
          dash(p.owner?.memberId ?? null),
        ]),
      ]).trimEnd(),
      `Total lag: ${g.totalLag}`,
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

async function describe(admin: Admin, v: Values, positionals: readonly string[]): Promise<void> {
  const [groupId] = groupArgs(v, positionals, 'describe');
  const report = await admin.groupLag(groupId!);
  // Kafka describes any id, answering Dead for one it does not know.
  if (report.state === 'Dead' && report.members.length === 0 && report.partitions.length === 0) {
    throw notFound(groupId!);
  }
  await writeOut(v.json ? json(describeJson(report)) : describeText(report));
}

async function remove(admin: Admin, v: Values, positionals: readonly string[]): Promise<void> {
  const ids = groupArgs(v, positionals, 'delete');
  for (const id of ids) {
    try {
      await admin.deleteGroups([id]);
    } catch (err) {
      if (isKafkaError(err, 'GROUP_ID_NOT_FOUND')) throw notFound(id);
      if (isKafkaError(err, 'NON_EMPTY_GROUP')) {
        throw new KafkaError(err.errorCode, {
          api: 'DeleteGroups',
          resource: `group '${id}'`,
          brokerMessage: 'the group still has members; stop them first',
        });
      }
      throw err;
    }
  }
  await writeOut(v.json ? json({ deleted: ids }) : ids.map((id) => `Deleted group '${id}'.\n`).join(''));
}

/** `rivulet groups list|describe|delete`. */
export const groups: Command = {
  name: 'groups',
  summary: 'list, describe (members, offsets, lag) and delete consumer groups',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags(args, flags, true);
    const [action, ...rest] = positionals;
    const actions = ['list', 'describe', 'delete'];
    if (action === undefined || !actions.includes(action)) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        action === undefined
          ? `groups needs an action: ${actions.join(', ')}`
          : `unknown groups action '${action}' (use ${actions.join(', ')})`,
      );
    }
    const admin = new Admin(cliClientOptions(values.bootstrap));
    try {
      await admin.connect(CONNECT_TIMEOUT_MS);
      if (action === 'list') await list(admin, values);
      else if (action === 'describe') await describe(admin, values, rest);
      else await remove(admin, values, rest);
    } finally {
      await admin.close();
    }
    return 0;
  },
};
