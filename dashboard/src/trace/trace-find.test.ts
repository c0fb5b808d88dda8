import { describe, expect, it } from 'vitest';
import { span } from './span-fixture.ts';
import { findSpans, stepMatch } from './trace-find.ts';

const SPANS = [
  span('aa01', '', 0, 100, 'checkout', { name: 'POST /checkout' }),
  span('bb02', 'aa01', 1, 50, 'payments', {
    name: 'charge card',
    attributes: { 'db.statement': 'SELECT * FROM cards' },
  }),
  span('cc03', 'aa01', 2, 20, 'inventory', { name: 'reserve', statusMessage: 'out of stock' }),
  span('dd04', 'cc03', 3, 5, 'inventory', {
    name: 'SELECT stock',
    resourceAttributes: { zone: 'é-1' },
  }),
];

describe('findSpans', () => {
  it('matches names, services, ids, status messages and attributes, case-insensitively', () => {
    expect(findSpans(SPANS, 'CHECKOUT')).toEqual(['aa01']);
    expect(findSpans(SPANS, 'inventory')).toEqual(['cc03', 'dd04']);
    expect(findSpans(SPANS, 'select')).toEqual(['bb02', 'dd04']);
    expect(findSpans(SPANS, 'bb02')).toEqual(['bb02']);
    expect(findSpans(SPANS, 'stock')).toEqual(['cc03', 'dd04']);
    expect(findSpans(SPANS, 'é-1')).toEqual(['dd04']);
  });
  it('needs every word; a blank search matches nothing', () => {
    expect(findSpans(SPANS, 'inventory select')).toEqual(['dd04']);
    expect(findSpans(SPANS, '  ')).toEqual([]);
    expect(findSpans(SPANS, 'nowhere')).toEqual([]);
  });
});

describe('stepMatch', () => {
  it('wraps around both ways and answers -1 without matches', () => {
    expect(stepMatch(-1, 3, 1)).toBe(0);
    expect(stepMatch(2, 3, 1)).toBe(0);
    expect(stepMatch(0, 3, -1)).toBe(2);
    expect(stepMatch(0, 0, 1)).toBe(-1);
  });
});
