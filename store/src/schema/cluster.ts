import { ident, qualified, type DdlContext } from './ddl-context.ts';
import { LOGS_TABLE } from './logs.ts';
import { METRIC_TABLES } from './metrics.ts';
import { RED_HISTOGRAM_TABLE } from './red-histogram.ts';
import { EDGE_ORPHANS_TABLE, SERVICE_EDGES_TABLE } from './service-edges.ts';
import { TRACE_SUMMARIES_TABLE } from './trace-summaries.ts';
import { TRACE_ID_TS_TABLE, TRACES_TABLE } from './traces.ts';

/**
 * How each telemetry table is spread over the shards. Every key is stable (a pure function of the
 * row), so a replayed batch splits into the same per-shard blocks as the first attempt and each
 * shard's replicated table recognises its block by the deduplication token.
 *
 * - Spans, the trace-id index, the trace summaries and the service graph's orphan child spans by
 *   trace id: a whole trace lives on one shard, so the materialized views that summarise a trace
 *   or pair its spans see every span of it.
 * - Logs with a trace id go with their trace; logs without one are spread by service and exact
 *   timestamp (a constant key would put them all on one shard).
 * - Metric points by series (service, name, attributes), so one series stays on one shard.
 *
 * Tables not listed here (schema_migrations, alert rules, API keys, …) are small and read on every
 * request: each node holds a full replica of them instead.
 */
export const SHARDING_KEYS: Readonly<Record<string, string>> = {
  [TRACES_TABLE]: 'cityHash64(TraceId)',
  [TRACE_ID_TS_TABLE]: 'cityHash64(TraceId)',
  [TRACE_SUMMARIES_TABLE]: 'cityHash64(TraceId)',
  // Written by each shard's view from its own spans; readers sum the shards' rows of a key.
  [RED_HISTOGRAM_TABLE]: 'cityHash64(ServiceName, SpanName)',
  [EDGE_ORPHANS_TABLE]: 'cityHash64(TraceId)',
  // Filled by the views on each shard; rows for one edge on several shards add up when read.
  [SERVICE_EDGES_TABLE]: 'cityHash64(Caller, Callee)',
  [LOGS_TABLE]: "if(TraceId = '', cityHash64(ServiceName, Timestamp), cityHash64(TraceId))",
  ...Object.fromEntries(
    Object.values(METRIC_TABLES).map((t) => [t, 'cityHash64(ServiceName, MetricName, Attributes)']),
  ),
};

/** Keeper path of a sharded table: one replica set per shard. */
export const SHARDED_REPLICA_PATH = '/clickhouse/tables/{shard}/{database}/{table}';
/** Keeper path of a table every node holds: one replica set across the whole cluster. */
export const EVERY_NODE_REPLICA_PATH = '/clickhouse/tables/all/{database}/{table}';
/** `{replica}` is only unique within a shard; prefixing the shard makes it unique cluster-wide. */
export const EVERY_NODE_REPLICA_NAME = '{shard}-{replica}';

export const localTable = (table: string): string => `${table}_local`;

export type ClusterContext = DdlContext & { readonly cluster: string };

const QUALIFIED = '`((?:[^`]|``)+)`\\.`((?:[^`]|``)+)`';
const CREATE_TABLE = new RegExp(`^\\s*CREATE TABLE IF NOT EXISTS ${QUALIFIED}(?=\\s*\\()`);
const CREATE_VIEW = new RegExp(
  `^\\s*CREATE MATERIALIZED VIEW IF NOT EXISTS ${QUALIFIED}(?=\\s+TO\\s)`,
);
const ALTER_TABLE = new RegExp(`^\\s*ALTER TABLE ${QUALIFIED}(?=\\s)`);
const DROP = new RegExp(`^\\s*DROP (TABLE|VIEW) IF EXISTS ${QUALIFIED}(?=\\s|$)`);
const COLUMN_CHANGE = /\b(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i;

const unquote = (s: string): string => s.replaceAll('``', '`');
const literal = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * The cluster form of one migration statement: local ReplicatedMergeTree tables created ON CLUSTER
 * plus a Distributed table under the original name for sharded tables, replicated-everywhere
 * tables for the rest, materialized views reading and writing the local tables. A statement of a
 * shape it does not know is refused rather than run on one node only.
 */
export function clusterStatements(ctx: ClusterContext, statement: string): string[] {
  const on = `ON CLUSTER ${ident(ctx.cluster)}`;
  let m = CREATE_TABLE.exec(statement);
  if (m) {
    const table = unquote(m[2]!);
    checkDatabase(ctx, unquote(m[1]!), statement);
    const rest = statement.slice(m[0].length);
    const key = SHARDING_KEYS[table];
    if (key === undefined) {
      const local = replicateEngine(rest, EVERY_NODE_REPLICA_PATH, EVERY_NODE_REPLICA_NAME);
      return [`CREATE TABLE IF NOT EXISTS ${qualified(ctx, table)} ${on}${local}`];
    }
    const local = localTable(table);
    return [
      `CREATE TABLE IF NOT EXISTS ${qualified(ctx, local)} ${on}${replicateEngine(rest, SHARDED_REPLICA_PATH, '{replica}')}`,
      `CREATE TABLE IF NOT EXISTS ${qualified(ctx, table)} ${on} AS ${qualified(ctx, local)}
ENGINE = Distributed(${literal(ctx.cluster)}, ${literal(ctx.database)}, ${literal(local)}, ${key})`,
    ];
  }
  m = CREATE_VIEW.exec(statement);
  if (m) {
    checkDatabase(ctx, unquote(m[1]!), statement);
    // Each shard's view fires on inserts into its own local table and writes its own local target.
    let body = statement.slice(m[0].length);
    for (const table of Object.keys(SHARDING_KEYS)) {
      body = body.replaceAll(qualified(ctx, table), qualified(ctx, localTable(table)));
    }
    return [
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualified(ctx, unquote(m[2]!))} ${on}${body}`,
    ];
  }
  m = ALTER_TABLE.exec(statement);
  if (m) {
    const table = unquote(m[2]!);
    checkDatabase(ctx, unquote(m[1]!), statement);
    const rest = statement.slice(m[0].length);
    // A replicated table passes metadata changes and mutations to its replicas through Keeper; ON
    // CLUSTER would run the same ALTER once per shard against one replica set.
    if (SHARDING_KEYS[table] === undefined) return [statement];
    const out = [`ALTER TABLE ${qualified(ctx, localTable(table))} ${on}${rest}`];
    if (COLUMN_CHANGE.test(rest)) out.push(`ALTER TABLE ${qualified(ctx, table)} ${on}${rest}`);
    return out;
  }
  m = DROP.exec(statement);
  if (m) {
    const table = unquote(m[3]!);
    checkDatabase(ctx, unquote(m[2]!), statement);
    const rest = statement.slice(m[0].length);
    const kind = m[1]!;
    const drop = (name: string) => `DROP ${kind} IF EXISTS ${qualified(ctx, name)} ${on}${rest}`;
    return SHARDING_KEYS[table] === undefined
      ? [drop(table)]
      : [drop(table), drop(localTable(table))];
  }
  throw new Error(
    `no cluster form for this migration statement (expected CREATE TABLE / CREATE MATERIALIZED VIEW IF NOT EXISTS, ALTER TABLE or DROP … IF EXISTS on a qualified name): ${statement.slice(0, 120)}`,
  );
}

function checkDatabase(ctx: DdlContext, database: string, statement: string): void {
  if (database !== ctx.database) {
    throw new Error(
      `migration statement names database ${database}, not ${ctx.database}: ${statement.slice(0, 120)}`,
    );
  }
}

/** Turns the `ENGINE = …MergeTree(args)` clause of a CREATE TABLE body into its Replicated form. */
export function replicateEngine(body: string, path: string, replica: string): string {
  const m = /\bENGINE\s*=\s*(\w+)/.exec(body);
  if (!m) throw new Error(`CREATE TABLE without an ENGINE clause: ${body.slice(0, 120)}`);
  const engine = m[1]!;
  if (!engine.endsWith('MergeTree') || engine.startsWith('Replicated')) {
    throw new Error(`cannot replicate engine ${engine}: only the non-replicated MergeTree family`);
  }
  let end = m.index + m[0].length;
  let args = '';
  if (body[end] === '(') {
    const close = matchingParen(body, end);
    args = body.slice(end + 1, close).trim();
    end = close + 1;
  }
  const replicated = `ENGINE = Replicated${engine}(${[literal(path), literal(replica), ...(args ? [args] : [])].join(', ')})`;
  return body.slice(0, m.index) + replicated + body.slice(end);
}

function matchingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in ENGINE clause: ${s.slice(open, open + 80)}`);
}
