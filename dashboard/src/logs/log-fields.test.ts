import { describe, expect, it } from 'vitest';
import type { LogRecord } from '@sightline/model/api/logs';
import { fieldValue, fieldsOf, readColumns, writeColumns } from './log-fields.ts';

const record = (
  attributes: Record<string, string>,
  res: Record<string, string> = {},
): LogRecord => ({
  timestamp: '1',
  id: '1',
  severityText: '',
  severityNumber: 9,
  level: 'info',
  service: 'shop',
  body: '',
  traceId: '',
  spanId: '',
  eventName: '',
  scope: { name: '', version: '' },
  attributes,
  resourceAttributes: { 'service.name': 'shop', ...res },
});

describe('fieldsOf', () => {
  it('lists a key once whichever map holds it, prefixing only names the language reads otherwise', () => {
    const rows = [
      record({ host: 'a', level: 'x' }),
      record({}, { host: 'b', region: 'eu' }),
      record({ host: 'c' }, { host: 'c' }),
    ];
    expect(fieldsOf(rows)).toEqual([
      { field: 'host', source: 'both', rows: 3 },
      { field: 'attr.level', source: 'log', rows: 1 },
      { field: 'region', source: 'resource', rows: 1 },
    ]);
    expect(fieldsOf([])).toEqual([]);
  });
});

describe('fieldValue', () => {
  it('reads built-in fields, prefixed keys and bare keys (log attribute first)', () => {
    const r = record({ host: 'log-h' }, { host: 'res-h', 'k8s.pod': 'pod-ü' });
    expect(fieldValue(r, 'service')).toBe('shop');
    expect(fieldValue(r, 'level')).toBe('info');
    expect(fieldValue(r, 'trace_id')).toBeUndefined();
    expect(fieldValue(r, 'host')).toBe('log-h');
    expect(fieldValue(r, 'resource.host')).toBe('res-h');
    expect(fieldValue(r, 'attr.host')).toBe('log-h');
    expect(fieldValue(r, 'k8s.pod')).toBe('pod-ü');
    expect(fieldValue(r, 'nope')).toBeUndefined();
  });
});

describe('columns in the URL', () => {
  it('defaults to level and service, keeps order, drops empties and repeats', () => {
    expect(readColumns(new URLSearchParams())).toEqual(['level', 'service']);
    expect(readColumns(new URLSearchParams('cols=order.id,,level,order.id'))).toEqual([
      'order.id',
      'level',
    ]);
    expect(readColumns(new URLSearchParams('cols='))).toEqual([]);
    expect(writeColumns(['level', 'service'])).toBeNull();
    expect(writeColumns(['service', 'level'])).toBe('service,level');
    expect(writeColumns([])).toBe('');
  });
});
