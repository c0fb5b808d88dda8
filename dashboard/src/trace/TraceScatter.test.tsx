// @vitest-environment happy-dom
import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceSummary } from '@sightline/model/api/traces';
import { mountPerTest } from '../test-mount.ts';
import { TraceScatter, timeTicks } from './TraceScatter.tsx';

const view = mountPerTest();

// happy-dom lays nothing out: give every element an 800 × 220 box at the page's origin, so the
// chart draws and a pointer's clientX is its x inside the chart. With the chart's margins and
// y axis the plot then spans x = 74 … 784: 710 px for the 710 s window below, 1 px per second.
const FROM = Date.UTC(2026, 10, 22, 8, 0);
const TO = FROM + 710_000;
const PLOT_LEFT = 74;
const at = (px: number) => FROM + (px - PLOT_LEFT) * 1000;

const trace = (id: string, offsetMs: number, errors = 0): TraceSummary => ({
  traceId: id.repeat(32),
  rootServiceName: 'checkout',
  rootName: 'GET /cart',
  rootSpanMissing: false,
  startTimeUnixNano: (BigInt(FROM + offsetMs) * 1_000_000n).toString(),
  durationNano: '25000000',
  spanCount: 3,
  services: ['checkout'],
  errorCount: errors,
});

const TRACES = [trace('a', 100_000), trace('b', 500_000, 1)];

/** Recharts hands mouse moves on once per animation frame. */
const frame = () => act(() => new Promise((r) => setTimeout(r, 50)));

let onZoom: ReturnType<typeof vi.fn<(from: number, to: number) => void>>;
let onOpen: ReturnType<typeof vi.fn<(traceId: string) => void>>;

beforeEach(async () => {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue(
    new DOMRect(0, 0, 800, 220),
  );
  onZoom = vi.fn();
  onOpen = vi.fn();
  act(() =>
    view.root.render(
      <TraceScatter
        traces={TRACES}
        total={TRACES.length}
        from={FROM}
        to={TO}
        onOpen={onOpen}
        onZoom={onZoom}
      />,
    ),
  );
  // The chart measures its container in an effect, then lays out.
  await frame();
  return () => vi.restoreAllMocks();
});

const chart = () => view.host.querySelector('.recharts-wrapper') as HTMLElement;
const dot = (id: string) => view.host.querySelector(`circle[data-trace-id="${id.repeat(32)}"]`);

async function mouse(type: string, clientX: number, target: Element = chart()) {
  const event = new MouseEvent(type, { bubbles: true, cancelable: true, clientX, clientY: 100 });
  act(() => {
    target.dispatchEvent(event);
  });
  if (type === 'mousemove') await frame();
  return event;
}

describe('TraceScatter', () => {
  it('draws a dot per trace where it started', () => {
    expect(Number(dot('a')?.getAttribute('cx'))).toBeCloseTo(174);
    expect(Number(dot('b')?.getAttribute('cx'))).toBeCloseTo(574);
    expect(dot('b')?.getAttribute('fill')).toBe('var(--error)');
  });

  it('shades the span being dragged and zooms to it on release', async () => {
    // Pressing must not focus the chart (a ring around it) or start selecting text.
    expect((await mouse('mousedown', 200)).defaultPrevented).toBe(true);
    await mouse('mousemove', 260);
    const shade = view.host.querySelector('.zoom-selection');
    expect(shade).not.toBeNull();
    await mouse('mousemove', 300);
    await mouse('mouseup', 320);
    expect(onZoom).toHaveBeenCalledTimes(1);
    expect(onZoom).toHaveBeenCalledWith(at(200), at(320));
    expect(view.host.querySelector('.zoom-selection')).toBeNull();
  });

  it('zooms the same way when dragged right to left, clamped to the window', async () => {
    await mouse('mousedown', 700);
    await mouse('mousemove', 750);
    await mouse('mouseup', 795);
    expect(onZoom).toHaveBeenCalledWith(at(700), TO);
    onZoom.mockClear();
    await mouse('mousedown', 300);
    await mouse('mousemove', 100);
    await mouse('mouseup', 20);
    expect(onZoom).toHaveBeenCalledWith(FROM, at(300));
  });

  it('treats a press that moves only a few pixels as a click: no zoom, the dot opens', async () => {
    const a = dot('a') as Element;
    await mouse('mousedown', 172, a);
    await mouse('mousemove', 174, a);
    expect(view.host.querySelector('.zoom-selection')).toBeNull();
    await mouse('mouseup', 175, a);
    await mouse('click', 175, a);
    expect(onZoom).not.toHaveBeenCalled();
    expect(onOpen).toHaveBeenCalledWith('a'.repeat(32));
  });

  it('does not open the dot a drag happens to end on', async () => {
    // Looked up after each step: recharts redraws the dots while the selection is shown.
    const b = () => dot('b') as Element;
    const click = () => mouse('click', 574, b());
    await mouse('mousedown', 450);
    await mouse('mousemove', 520);
    await mouse('mouseup', 574, b());
    await click();
    expect(onZoom).toHaveBeenCalledWith(at(450), at(574));
    expect(onOpen).not.toHaveBeenCalled();
    // Only the click that ended the drag is swallowed.
    await frame();
    await click();
    expect(onOpen).toHaveBeenCalledWith('b'.repeat(32));
  });

  /** React derives mouseleave from mouseout towards an element outside. */
  async function leave() {
    act(() => {
      chart().dispatchEvent(
        new MouseEvent('mouseout', { bubbles: true, relatedTarget: document.body }),
      );
    });
    await frame();
  }

  it('keeps a drag that leaves the chart and comes back with the button held', async () => {
    await mouse('mousedown', 200);
    await mouse('mousemove', 300);
    await leave();
    await mouse('mousemove', 400);
    expect(view.host.querySelector('.zoom-selection')).not.toBeNull();
    await mouse('mouseup', 420);
    expect(onZoom).toHaveBeenCalledTimes(1);
    expect(onZoom).toHaveBeenCalledWith(at(200), at(420));
  });

  it('cancels a drag released outside the chart', async () => {
    await mouse('mousedown', 200);
    await mouse('mousemove', 300);
    await leave();
    await mouse('mouseup', 900, document.body);
    expect(view.host.querySelector('.zoom-selection')).toBeNull();
    // Coming back with the button up draws and zooms nothing.
    await mouse('mousemove', 400);
    await mouse('mouseup', 420);
    expect(onZoom).not.toHaveBeenCalled();
    expect(view.host.querySelector('.zoom-selection')).toBeNull();
  });
});

describe('TraceScatter count line', () => {
  const line = () => view.host.querySelector('[data-testid="scatter-count"]')?.textContent ?? '';
  it('says every match is drawn when the points are all of them', () => {
    expect(line()).toContain(`all ${TRACES.length} matching traces in the range`);
  });
  it('says when the dots are only the loaded traces while every match is gathered', () => {
    act(() =>
      view.root.render(
        <TraceScatter
          traces={TRACES}
          total={TRACES.length}
          pending
          from={FROM}
          to={TO}
          onOpen={onOpen}
          onZoom={onZoom}
        />,
      ),
    );
    expect(line()).toContain(`the ${TRACES.length} traces loaded below; gathering every match`);
  });
  it('says the dots are a server-side sample, with the count, when they are not', () => {
    act(() =>
      view.root.render(
        <TraceScatter
          traces={TRACES}
          total={123_456}
          totalIsLowerBound
          from={FROM}
          to={TO}
          onOpen={onOpen}
          onZoom={onZoom}
        />,
      ),
    );
    expect(line()).toContain(
      `${TRACES.length} of more than 123,456 matching traces drawn: a sample taken on the server`,
    );
  });
});

describe('timeTicks', () => {
  it('puts ticks on whole minutes inside a window that starts at an odd second', () => {
    const from = Date.UTC(2026, 10, 22, 7, 53, 52);
    const to = from + 15 * 60_000;
    const ticks = timeTicks(from, to);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.every((t) => t >= from && t <= to)).toBe(true);
    expect(ticks.map((t) => new Date(t).getSeconds())).toEqual(ticks.map(() => 0));
    expect(ticks[1]! - ticks[0]!).toBe(2 * 60_000);
  });

  it('steps by whole hours over a day and by seconds over half a minute', () => {
    const from = Date.UTC(2026, 10, 21, 9, 17);
    const day = timeTicks(from, from + 86_400_000);
    expect(day[1]! - day[0]!).toBe(3 * 3_600_000);
    expect(day.map((t) => new Date(t).getMinutes())).toEqual(day.map(() => 0));
    expect(timeTicks(from + 500, from + 30_500)[0]).toBe(from + 5000);
  });
});
