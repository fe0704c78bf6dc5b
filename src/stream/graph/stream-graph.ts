import { configError } from '../core/errors.js';
import type { Source } from '../connectors/source.js';
import type { OperatorDefinition } from '../operators/definition.js';
import type { WatermarkStrategy } from '../time/watermark-strategy.js';

/** How a source stamps its records with event time. */
export type TimestampMode<T> =
  | { readonly kind: 'extractor'; readonly extract: (value: T) => number }
  | { readonly kind: 'ingestion' }
  | { readonly kind: 'source' }
  | { readonly kind: 'none' };

/** A connection from an upstream node's main output (or side output `tag`) to input `input`. */
export interface StreamEdge {
  readonly from: StreamNode;
  readonly tag: string | undefined;
  readonly input: 0 | 1;
}

interface NodeBase {
  readonly id: number;
  /** User-set stable id; generated from the kind and position when not set. */
  uid: string | undefined;
  name: string;
  readonly inputs: StreamEdge[];
}

/** A source in the graph. */
export interface SourceNode extends NodeBase {
  readonly kind: 'source';
  readonly source: Source<unknown>;
  readonly timestamps: TimestampMode<unknown>;
  readonly watermarks: WatermarkStrategy;
  readonly batchSize: number;
}

/** An operator (sinks included) in the graph. */
export interface OperatorNode extends NodeBase {
  readonly kind: 'operator';
  readonly definition: OperatorDefinition<never>;
  readonly params: unknown;
}

export type StreamNode = SourceNode | OperatorNode;

/**
 * The logical job: sources and operators connected by edges, in creation order (which is a
 * topological order, as a node can only consume nodes created before it).
 */
export class StreamGraph {
  readonly nodes: StreamNode[] = [];

  addSource(node: Omit<SourceNode, 'id' | 'kind' | 'inputs'>): SourceNode {
    const full: SourceNode = { ...node, id: this.nodes.length, kind: 'source', inputs: [] };
    this.nodes.push(full);
    return full;
  }

  addOperator<P>(
    definition: OperatorDefinition<P>,
    params: P,
    inputs: StreamEdge[],
    name: string,
    uid?: string,
  ): OperatorNode {
    if (inputs.length === 0) throw configError(`operator '${name}' has no input`);
    const node: OperatorNode = {
      id: this.nodes.length,
      kind: 'operator',
      definition: definition,
      params,
      inputs,
      name,
      uid,
    };
    this.nodes.push(node);
    return node;
  }

  /**
   * The uid of every node: the user's, or `<kind>-<n>` where n counts nodes of that kind in
   * creation order. Generated uids change when the job's shape changes; set uids on stateful
   * operators whose state must survive such changes.
   */
  resolveUids(): Map<StreamNode, string> {
    const uids = new Map<StreamNode, string>();
    const taken = new Set<string>();
    for (const node of this.nodes) {
      if (node.uid === undefined) continue;
      if (taken.has(node.uid)) throw configError(`uid '${node.uid}' is used by more than one operator`);
      taken.add(node.uid);
      uids.set(node, node.uid);
    }
    const counters = new Map<string, number>();
    for (const node of this.nodes) {
      if (uids.has(node)) continue;
      const kind = node.kind === 'source' ? 'source' : node.definition.kind;
      let n = counters.get(kind) ?? 0;
      let uid = `${kind}-${n}`;
      while (taken.has(uid)) uid = `${kind}-${++n}`;
      counters.set(kind, n + 1);
      taken.add(uid);
      uids.set(node, uid);
    }
    return uids;
  }
}
