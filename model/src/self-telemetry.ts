import { Type } from 'typebox';

const ROLE = '(receive|ingest|query|alerting)';

/**
 * The service names Sightline gives its own traces, metrics and logs (`sightline-all-in-one`, or
 * `sightline-<roles>` such as `sightline-receive` or `sightline-ingest-query`), as an RE2/JS regex.
 */
export const SELF_SERVICE_PATTERN = `^sightline-(all-in-one|${ROLE}(-${ROLE})*)$`;
const SELF_SERVICE = new RegExp(SELF_SERVICE_PATTERN);

export const isSelfService = (service: string): boolean => SELF_SERVICE.test(service);

/** The query parameter that shows Sightline's own services, hidden by default. */
export const SelfTelemetryParam = Type.Optional(
  Type.Union([Type.Literal('hide'), Type.Literal('show')], {
    default: 'hide',
    description: "Sightline's own self-telemetry services (sightline-*): hidden unless `show`",
  }),
);
