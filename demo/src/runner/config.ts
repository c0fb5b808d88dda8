/** The demo's settings, from the environment, checked once. A bad value stops it with a message. */

export interface DemoConfig {
  /** A running Sightline's OTLP/HTTP base URL; undefined: the demo starts its own all-in-one. */
  readonly otlpUrl: string | undefined;
  /** Where that Sightline's query API is (only printed). */
  readonly apiUrl: string;
  readonly kafkaBrokers: string | undefined;
  /** Seconds to run; 0 = until Ctrl-C. */
  readonly durationS: number;
  /** Shopping sessions started per second. */
  readonly rate: number;
}

export class DemoConfigError extends Error {
  readonly code = 'SL_ERR_DEMO_CONFIG';
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new DemoConfigError(`${name} must be a number ≥ ${min}, got "${raw}"`);
  }
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return new URL(raw).href.replace(/\/$/, '');
  } catch {
    throw new DemoConfigError(`${name} must be a URL such as http://127.0.0.1:4318, got "${raw}"`);
  }
}

export function loadDemoConfig(env: NodeJS.ProcessEnv): DemoConfig {
  // Checked here so a typo stops the demo at once rather than inside a service.
  number(env, 'SIGHTLINE_DEMO_CHAOS', 1, 0);
  number(env, 'SIGHTLINE_DEMO_CRASH_EVERY', 200, 0);
  return Object.freeze({
    otlpUrl: url(env, 'SIGHTLINE_OTLP_URL'),
    apiUrl: url(env, 'SIGHTLINE_API_URL') ?? 'http://127.0.0.1:8080',
    kafkaBrokers: env.SIGHTLINE_DEMO_KAFKA_BROKERS || undefined,
    durationS: number(env, 'SIGHTLINE_DEMO_DURATION_S', 0, 0),
    rate: number(env, 'SIGHTLINE_DEMO_RATE', 3, 0.1),
  });
}
