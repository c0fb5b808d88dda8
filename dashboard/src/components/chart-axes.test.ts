import { describe, expect, it } from 'vitest';
import { planAxes } from './chart-axes.ts';

describe('planAxes', () => {
  it('keeps one unit on the left axis', () => {
    expect(planAxes([{ unit: 'ms' }, { unit: 'ms' }])).toEqual({
      left: 'ms',
      right: null,
      sides: ['left', 'left'],
    });
  });

  it('puts a second unit on the right, and series follow their unit', () => {
    const p = planAxes([{ unit: 'ms' }, { unit: '{requests}/s' }, { unit: 'ms' }]);
    expect(p).toEqual({
      left: 'ms',
      right: '{requests}/s',
      sides: ['left', 'right', 'left'],
    });
  });

  it('lets a query pick its side, ahead of the series that go by unit', () => {
    const p = planAxes([{ unit: 'ms' }, { unit: '1', axis: 'left' }, { unit: 'ms' }]);
    expect(p).toEqual({ left: '1', right: 'ms', sides: ['right', 'left', 'right'] });
  });

  it('draws no third unit, nor a unit asking for a side another unit holds', () => {
    const p = planAxes([
      { unit: 'ms' },
      { unit: 'By' },
      { unit: '%' },
      { unit: 'By', axis: 'left' },
      { unit: '' },
    ]);
    expect(p).toEqual({ left: 'By', right: 'ms', sides: ['right', 'left', null, 'left', null] });
  });

  it('treats a unit-less series as a unit of its own', () => {
    expect(planAxes([{ unit: '' }, { unit: 'ms', axis: 'right' }])).toEqual({
      left: '',
      right: 'ms',
      sides: ['left', 'right'],
    });
  });
});
