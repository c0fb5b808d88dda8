import { setTimeZone, useTimeZone, zoneLabel } from './time-format.ts';

/** Local or UTC for every time on every page; remembered in this browser. */
export function TimeZoneSwitch() {
  const zone = useTimeZone();
  const next = zone === 'utc' ? 'local' : 'utc';
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-label="Time zone"
      title={`Times on every page are in ${zoneLabel(zone)}; click for ${next === 'utc' ? 'UTC' : 'local time'}`}
      onClick={() => setTimeZone(next)}
    >
      {zone === 'utc' ? 'UTC' : 'Local time'}
    </button>
  );
}
