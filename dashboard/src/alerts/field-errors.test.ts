import { describe, expect, it } from 'vitest';
import { fieldOfError } from './field-errors.ts';

describe('fieldOfError', () => {
  it('reads the JSON path of a schema error, for a rule and for a preview', () => {
    expect(fieldOfError('body/window must match pattern "^[0-9]{1,7}[smhd]$"').field).toBe(
      'window',
    );
    expect(fieldOfError('body/rule/condition/threshold must be number').field).toBe(
      'condition.threshold',
    );
    expect(fieldOfError('body/channels/0/url must match pattern "^https?://"').field).toBe(
      'channels',
    );
  });

  it('reads the dotted prefix of a rule check', () => {
    expect(fieldOfError('interval: must be at least 1s').field).toBe('interval');
    expect(fieldOfError("query.q: expected a value after 'level:'").field).toBe('query.q');
    expect(fieldOfError('repeatInterval: must be at least the interval (1m)').field).toBe(
      'repeatInterval',
    );
  });

  it('falls back to the enclosing field, and to none for a message about no field', () => {
    expect(fieldOfError('body/query must match a schema in anyOf').field).toBe('query');
    expect(fieldOfError("body must have required property 'name'").field).toBeNull();
    expect(fieldOfError('internal error; see the server log').field).toBeNull();
  });
});
