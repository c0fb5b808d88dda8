import { describe, expect, it } from 'vitest';
import { LEVEL_EXPR, numberLevel, TEXT_LEVEL_EXPR } from './logs-row.ts';

describe('numberLevel', () => {
  it('classes SeverityNumber ranges as OpenTelemetry defines them', () => {
    expect([1, 4, 5, 9, 12, 13, 17, 20, 21, 24].map(numberLevel)).toEqual([
      'trace',
      'trace',
      'debug',
      'info',
      'info',
      'warn',
      'error',
      'error',
      'fatal',
      'fatal',
    ]);
  });

  it('has no class for numbers outside 1–24', () => {
    expect([0, 25, 255].map(numberLevel)).toEqual(['unknown', 'unknown', 'unknown']);
  });
});

describe('LEVEL_EXPR', () => {
  it('falls back to the SeverityText class only when the number is 0', () => {
    expect(LEVEL_EXPR).toContain(`SeverityNumber = 0, ${TEXT_LEVEL_EXPR}, 'unknown')`);
    expect(TEXT_LEVEL_EXPR).toContain(
      `lowerUTF8(SeverityText) IN ('warn', 'warning', 'wrn'), 'warn'`,
    );
  });
});
