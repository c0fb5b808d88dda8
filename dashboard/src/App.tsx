import { lazy, Suspense } from 'react';
import { hrefTo, matchRoute, navigate, useLocation, withParams } from './router.ts';
import { readTimeRange, writeTimeRange, type TimeRange } from './time-range.ts';
import { useTheme } from './theme.ts';
import { useServiceColors } from './service-colors.ts';
import { ShortcutsDialog, useShortcuts } from './components/Shortcuts.tsx';
import { Link } from './components/Link.tsx';
import { TimePicker } from './components/TimePicker.tsx';
import { TimeZoneSwitch } from './components/TimeZoneSwitch.tsx';
import { TraceIdBox } from './components/TraceIdBox.tsx';
import { useTimeZone } from './components/time-format.ts';
import { Empty, Loading } from './components/States.tsx';
import { ServicesView } from './views/ServicesView.tsx';
import { ServiceView } from './views/ServiceView.tsx';
import { TracesView } from './views/TracesView.tsx';
import { TraceView } from './views/TraceView.tsx';
import { LogsView } from './views/LogsView.tsx';
import { MetricsView } from './views/MetricsView.tsx';
import { PipelineView } from './views/PipelineView.tsx';
import { BreakersView } from './views/BreakersView.tsx';
import { SignInView } from './views/SignInView.tsx';
import { KeysView } from './views/KeysView.tsx';
import { useAuth } from './auth.ts';
import { matchAlertRoute } from './alerts/alert-routes.ts';
import { AlertsView } from './views/AlertsView.tsx';
import { AlertRuleView } from './views/AlertRuleView.tsx';
import { AlertEditView } from './views/AlertEditView.tsx';

// Split from the initial bundle: the grid, editor and panels load on the first visit.
const DashboardsPage = lazy(() => import('./dashboards/DashboardsPage.tsx'));

const NAV = [
  { view: 'services', label: 'Services', path: '/services', also: ['service'] },
  { view: 'traces', label: 'Traces', path: '/traces', also: ['trace'] },
  { view: 'logs', label: 'Logs', path: '/logs', also: [] },
  { view: 'metrics', label: 'Metrics', path: '/explore/metrics', also: [] },
  { view: 'dashboards', label: 'Dashboards', path: '/dashboards', also: [] },
  { view: 'alerts', label: 'Alerts', path: '/alerts', also: ['alert', 'alert-new', 'alert-edit'] },
  { view: 'breakers', label: 'Breakers', path: '/breakers', also: [] },
  { view: 'pipeline', label: 'Pipeline', path: '/pipeline', also: [] },
] as const;

/** Shown only to whoever may manage keys: an admin when auth is on, anyone on a local open one. */
const KEYS_NAV = { view: 'keys', label: 'API keys', path: '/keys', also: [] } as const;

export function App() {
  const loc = useLocation();
  const alertRoute = matchAlertRoute(loc.path);
  const route = alertRoute ?? matchRoute(loc.path);
  const range = readTimeRange(loc.params);
  const [theme, toggleTheme] = useTheme();
  const auth = useAuth();
  useServiceColors(range, auth.status === 'off' || auth.status === 'signed-in');
  const shortcuts = useShortcuts(loc);
  // Every page writes times with the shared helper: re-render them all when the zone switches.
  const zone = useTimeZone();
  const setRange = (r: TimeRange) => {
    const params = new URLSearchParams(loc.params);
    writeTimeRange(params, r);
    navigate(`${loc.path}?${params.toString()}`);
  };
  let page;
  switch (route.view) {
    case 'services':
      page = <ServicesView loc={loc} range={range} />;
      break;
    case 'service':
      page = <ServiceView loc={loc} range={range} service={route.service} />;
      break;
    case 'traces':
      page = <TracesView loc={loc} range={range} />;
      break;
    case 'trace':
      page = <TraceView key={route.traceId} loc={loc} traceId={route.traceId} />;
      break;
    case 'logs':
      page = <LogsView loc={loc} range={range} />;
      break;
    case 'metrics':
      page = <MetricsView loc={loc} range={range} />;
      break;
    case 'pipeline':
      page = <PipelineView loc={loc} range={range} />;
      break;
    case 'breakers':
      page = <BreakersView loc={loc} range={range} />;
      break;
    case 'dashboards':
      page = (
        <Suspense fallback={<Loading what="dashboards" />}>
          <DashboardsPage id={route.id} loc={loc} />
        </Suspense>
      );
      break;
    case 'keys':
      page = <KeysView authOn={auth.status !== 'off'} />;
      break;
    case 'alerts':
      page = <AlertsView loc={loc} />;
      break;
    case 'alert':
      page = <AlertRuleView key={route.id} loc={loc} id={route.id} />;
      break;
    case 'alert-new':
      page = <AlertEditView key="new" loc={loc} />;
      break;
    case 'alert-edit':
      page = <AlertEditView key={route.id} loc={loc} id={route.id} />;
      break;
    case 'not-found':
      page = (
        <Empty title={`Nothing lives at ${loc.path}`}>
          Pick a page above, or go to{' '}
          <Link href={hrefTo('/services', {}, loc.params)}>Services</Link>.
        </Empty>
      );
  }
  if (auth.status === 'signed-out') return <SignInView onSignedIn={auth.recheck} />;
  const mayManageKeys =
    auth.status === 'off' || (auth.status === 'signed-in' && auth.me.scopes.includes('admin'));
  const nav = mayManageKeys ? [...NAV, KEYS_NAV] : NAV;
  return (
    <div className="app">
      <header className="topbar">
        <Link className="brand" href={hrefTo('/services', {}, loc.params)}>
          Sightline
        </Link>
        <nav>
          {nav.map((n) => {
            const active =
              n.view === route.view || (n.also as readonly string[]).includes(route.view);
            return (
              <Link
                key={n.view}
                href={hrefTo(n.path, {}, loc.params)}
                className={active ? 'active' : undefined}
                aria-current={active ? 'page' : undefined}
              >
                {n.label}
              </Link>
            );
          })}
        </nav>
        <div className="spacer" />
        <TraceIdBox loc={loc} />
        {route.view !== 'trace' && route.view !== 'keys' && alertRoute === null && (
          <TimePicker key={`${zone} ${withParams(loc, {})}`} range={range} onChange={setRange} />
        )}
        <TimeZoneSwitch />
        <button
          type="button"
          className="theme-toggle"
          onClick={toggleTheme}
          aria-label="Toggle theme"
          title="Toggle light/dark"
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
        {auth.status === 'signed-in' && auth.me.kind === 'session' && (
          <button type="button" className="theme-toggle" onClick={() => void auth.signOut()}>
            Sign out {auth.me.name}
          </button>
        )}
      </header>
      <main>{page}</main>
      {shortcuts.open && <ShortcutsDialog onClose={shortcuts.close} />}
    </div>
  );
}
