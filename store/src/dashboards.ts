import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  Dashboard,
  DashboardInput,
  DashboardListQuery,
  DashboardSummary,
} from '@sightline/model/api/dashboards';
import { upgradeDashboard } from '@sightline/model/api/dashboard-upgrade';
import { SightlineError } from '@sightline/model/errors';
import { qualified } from './schema/ddl-context.ts';
import { DASHBOARDS_TABLE } from './schema/dashboards.ts';
import { INSERT_SETTINGS } from './auth/store-time.ts';

export interface DashboardStore {
  readonly writer: ClickHouseClient;
  readonly reader: ClickHouseClient;
  readonly database: string;
}

const notFound = (id: string): SightlineError =>
  new SightlineError('SL_ERR_NOT_FOUND', 404, `no dashboard with id '${id}'`);

// Only the document's own fields are kept: a stored dashboard never carries stray properties.
const documentOf = (d: DashboardInput): DashboardInput => ({
  title: d.title,
  description: d.description,
  tags: [...new Set(d.tags)],
  variables: d.variables,
  timeRange: d.timeRange,
  refresh: d.refresh,
  panels: d.panels,
});

/** Saves to one id are read-check-write; one at a time per id keeps "409 on stale" exact here. */
const saving = new Map<string, Promise<unknown>>();
async function oneAtATime<T>(id: string, work: () => Promise<T>): Promise<T> {
  const before = saving.get(id) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.catch(() => undefined);
  saving.set(id, settled);
  try {
    return await run;
  } finally {
    if (saving.get(id) === settled) saving.delete(id);
  }
}

async function write(s: DashboardStore, d: Dashboard, deleted: boolean): Promise<void> {
  await s.writer.insert({
    table: qualified(s, DASHBOARDS_TABLE),
    values: [
      {
        id: d.id,
        version: deleted ? d.version + 1 : d.version,
        deleted: deleted ? 1 : 0,
        title: d.title,
        tags: d.tags,
        dashboard: JSON.stringify(d),
        created_at: d.createdAt,
        updated_at: d.updatedAt,
      },
    ],
    format: 'JSONEachRow',
    clickhouse_settings: INSERT_SETTINGS,
  });
}

/** Every dashboard (newest save of each), optionally those whose title or tags hold every word. */
export async function listDashboards(
  s: DashboardStore,
  filter: DashboardListQuery = {},
): Promise<DashboardSummary[]> {
  const words = (filter.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const where = ['deleted = 0'];
  const params: Record<string, unknown> = {};
  words.forEach((w, i) => {
    where.push(
      `(positionUTF8(lowerUTF8(title), {w${i}:String}) > 0 OR arrayExists(t -> positionUTF8(lowerUTF8(t), {w${i}:String}) > 0, tags))`,
    );
    params[`w${i}`] = w;
  });
  if (filter.tag !== undefined && filter.tag !== '') {
    where.push('has(tags, {tag:String})');
    params.tag = filter.tag;
  }
  const rs = await s.reader.query({
    query: `SELECT dashboard FROM ${qualified(s, DASHBOARDS_TABLE)} FINAL
      WHERE ${where.join(' AND ')} ORDER BY lowerUTF8(title), id`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return (await rs.json<{ dashboard: string }>()).map((r) => {
    const d = JSON.parse(r.dashboard) as Dashboard;
    return {
      id: d.id,
      title: d.title,
      description: d.description,
      tags: d.tags,
      panels: d.panels.length,
      version: d.version,
      updatedAt: d.updatedAt,
    };
  });
}

export async function getDashboard(s: DashboardStore, id: string): Promise<Dashboard> {
  const rs = await s.reader.query({
    query: `SELECT dashboard, deleted FROM ${qualified(s, DASHBOARDS_TABLE)} FINAL WHERE id = {id:String}`,
    query_params: { id },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ dashboard: string; deleted: number }>();
  if (!row || Number(row.deleted) === 1) throw notFound(id);
  // Saved before panels held several queries: read in today's shape.
  return upgradeDashboard(JSON.parse(row.dashboard) as Dashboard);
}

export async function createDashboard(
  s: DashboardStore,
  input: DashboardInput,
): Promise<Dashboard> {
  const now = new Date().toISOString();
  const d: Dashboard = {
    ...documentOf(input),
    id: randomUUID(),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await write(s, d, false);
  return d;
}

/** Saves a new version; `expectedVersion` is the one the edit started from (else a 409). */
export function replaceDashboard(
  s: DashboardStore,
  id: string,
  input: DashboardInput,
  expectedVersion: number,
): Promise<Dashboard> {
  return oneAtATime(id, async () => {
    const current = await getDashboard(s, id);
    if (current.version !== expectedVersion) {
      throw new SightlineError(
        'SL_ERR_CONFLICT',
        409,
        `version: dashboard '${id}' was saved as version ${current.version} since version ${expectedVersion} was read; reload it and apply the change again`,
      );
    }
    const d: Dashboard = {
      ...documentOf(input),
      id,
      version: current.version + 1,
      createdAt: current.createdAt,
      updatedAt: new Date().toISOString(),
    };
    await write(s, d, false);
    return d;
  });
}

export function deleteDashboard(s: DashboardStore, id: string): Promise<void> {
  return oneAtATime(id, async () => {
    const current = await getDashboard(s, id);
    await write(s, { ...current, updatedAt: new Date().toISOString() }, true);
  });
}
