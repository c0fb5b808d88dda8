import { SightlineError } from '@sightline/model/errors';

const DURATION = /^(\d{1,7})([smhd])$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `30s`, `5m`, `1h`, `2d` → milliseconds; anything else is a 400 naming `field`. */
export function parseDuration(value: string, field: string): number {
  const m = DURATION.exec(value);
  if (!m) {
    throw new SightlineError(
      'SL_ERR_VALIDATION',
      400,
      `${field}: '${value}' is not a duration; expected a whole number with s, m, h or d (30s, 5m, 1h)`,
    );
  }
  return Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
}
