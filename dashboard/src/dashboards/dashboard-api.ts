import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import {
  Dashboard,
  DashboardInput,
  DashboardList,
  type DashboardUpdate,
} from '@sightline/model/api/dashboards';
import { dashboardProblem } from '@sightline/model/api/dashboard-check';
import { upgradeDashboard } from '@sightline/model/api/dashboard-upgrade';
import { apiGet, apiPost, apiSend } from '../api.ts';

export const listDashboards = (search: string, signal: AbortSignal) =>
  apiGet(DashboardList, '/dashboards', { search }, signal);

export const getDashboard = (id: string, signal?: AbortSignal) =>
  apiGet(Dashboard, `/dashboards/${encodeURIComponent(id)}`, {}, signal);

export const createDashboard = (d: DashboardInput) => apiPost(Dashboard, '/dashboards', d);

export const saveDashboard = (id: string, d: DashboardUpdate) =>
  apiSend(Dashboard, 'PUT', `/dashboards/${encodeURIComponent(id)}`, d);

export const deleteDashboard = (id: string) =>
  apiSend(Type.Null(), 'DELETE', `/dashboards/${encodeURIComponent(id)}`);

/** The exported file: the document alone, without id, version or dates. */
export function exportDocument(d: DashboardInput): DashboardInput {
  return {
    title: d.title,
    description: d.description,
    tags: d.tags,
    variables: d.variables,
    timeRange: d.timeRange,
    refresh: d.refresh,
    panels: d.panels,
  };
}

const checkInput = Compile(DashboardInput);

/** A file's text as a dashboard, or the reason it is not one (the field at fault first). */
export function parseImport(text: string): DashboardInput | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  // An exported dashboard may come with id/version/dates; they are not part of the document.
  // A file exported before panels held several queries is read in today's shape.
  const doc =
    value !== null && typeof value === 'object'
      ? exportDocument(upgradeDashboard(value as DashboardInput))
      : value;
  if (!checkInput.Check(doc)) {
    const first = checkInput.Errors(doc)[0];
    return `${first?.instancePath || '/'}: ${first?.message ?? 'not a dashboard'}`;
  }
  return dashboardProblem(doc) ?? doc;
}

export const emptyDashboard = (title: string): DashboardInput => ({
  title,
  description: '',
  tags: [],
  variables: [],
  timeRange: { last: '1h' },
  refresh: 'off',
  panels: [],
});
