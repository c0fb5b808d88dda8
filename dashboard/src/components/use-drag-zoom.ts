import { useEffect, useRef, useState, type RefObject } from 'react';
import {
  getRelativeCoordinate,
  useXAxisDomain,
  useXAxisInverseScale,
  type MouseHandlerDataParam,
  type MousePointer,
} from 'recharts';

/**
 * The time range a drag across buckets covers: from the earlier bucket's start to the end of the
 * later one, whichever way the user dragged. A click (no drag) is one bucket.
 */
export function dragRange(a: number, b: number, stepMs: number): { from: number; to: number } {
  return { from: Math.min(a, b), to: Math.max(a, b) + stepMs };
}

/** Where the pointer is: its x value on the chart and, for the click threshold, its pixel x. */
interface Point {
  readonly at: number;
  readonly px: number;
}

interface Drag {
  readonly start: Point;
  readonly end: Point;
}

/** How a drag's selection looks: spread on the chart's ReferenceArea (tests find it by class). */
export const SELECTION_LOOK = {
  fill: 'var(--accent)',
  fillOpacity: 0.2,
  stroke: 'var(--accent)',
  className: 'zoom-selection',
} as const;

/** The selection to draw as a ReferenceArea, or null when there is none yet. */
export type Selection = { readonly x1: number; readonly x2: number } | null;

/** The parts of recharts' mouse event (a React one) that the drag reads. */
type ChartPointer = MousePointer & { readonly preventDefault?: () => void };

/** Mouse handlers to spread on a recharts chart. */
export interface DragHandlers {
  readonly onMouseDown: (state: MouseHandlerDataParam, event: ChartPointer) => void;
  readonly onMouseMove: (state: MouseHandlerDataParam, event: ChartPointer) => void;
  readonly onMouseUp: (state: MouseHandlerDataParam, event: ChartPointer) => void;
  readonly onMouseLeave: () => void;
}

/**
 * The press → move → release state shared by both kinds of chart; `release` decides what the drag
 * means once the button is up, and `shown` whether it is far enough along to draw.
 */
function useDrag(
  pointAt: (state: MouseHandlerDataParam, event: MousePointer) => Point | null,
  release: (drag: Drag) => void,
  shown: (drag: Drag) => boolean,
) {
  // The drag itself lives outside React state: re-rendering on the press would redraw the chart's
  // marks (recharts remounts them), and a click needs the element it was pressed on to survive.
  const drag = useRef<Drag | null>(null);
  const [selection, setSelection] = useState<Selection>(null);
  const show = (d: Drag | null) => {
    const next =
      d && d.start.at !== d.end.at && shown(d)
        ? { x1: Math.min(d.start.at, d.end.at), x2: Math.max(d.start.at, d.end.at) }
        : null;
    setSelection((prev) => (prev?.x1 === next?.x1 && prev?.x2 === next?.x2 ? prev : next));
  };
  const handlers: DragHandlers = {
    onMouseDown: (state, event) => {
      const p = pointAt(state, event);
      // Pressing would focus the chart's svg (a focus ring around it) and start a text selection.
      if (p) event.preventDefault?.();
      drag.current = p ? { start: p, end: p } : null;
    },
    onMouseMove: (state, event) => {
      const p = pointAt(state, event);
      if (!drag.current || !p) return;
      drag.current = { ...drag.current, end: p };
      show(drag.current);
    },
    onMouseUp: (state, event) => {
      const d = drag.current;
      if (!d) return;
      drag.current = null;
      show(null);
      // The release point itself: moves are throttled to animation frames, so the last may lag.
      release({ ...d, end: pointAt(state, event) ?? d.end });
    },
    // Leaving the chart with the button held keeps the drag: coming back continues it, and a
    // release outside the chart cancels it. (The chart's own mouseup, when the release is inside,
    // runs first and has already ended the drag.)
    onMouseLeave: () => {
      if (!drag.current) return;
      window.addEventListener(
        'mouseup',
        () => {
          if (!drag.current) return;
          drag.current = null;
          show(null);
        },
        { once: true },
      );
    },
  };
  return { handlers, selection };
}

const labelOf = (state: MouseHandlerDataParam): Point | null => {
  const v = Number(state.activeLabel);
  return state.activeLabel === undefined || !Number.isFinite(v) ? null : { at: v, px: 0 };
};

/**
 * Drag-to-zoom on a chart whose x values are bucket starts (epoch ms): spread `handlers` on the
 * chart, draw `selection` as a ReferenceArea while dragging, `onZoom` gets the range on release.
 */
export function useDragZoom(stepMs: number, onZoom: (from: number, to: number) => void) {
  return useDrag(
    labelOf,
    ({ start, end }) => {
      const { from, to } = dragRange(start.at, end.at, stepMs);
      onZoom(from, to);
    },
    () => true,
  );
}

/** Pixel x (relative to the chart) → x value, clamped to the axis domain. */
export type PixelToValue = (px: number) => number | null;

/**
 * Renders nothing; placed inside a chart, keeps `into` pointing at its x axis' pixel → value
 * mapping, which only exists in the chart's own context.
 */
export function XAxisReader({ into }: { readonly into: RefObject<PixelToValue | null> }) {
  const inverse = useXAxisInverseScale();
  const domain = useXAxisDomain();
  useEffect(() => {
    const lo = Number(domain?.[0]);
    const hi = Number(domain?.[domain.length - 1]);
    into.current =
      inverse && Number.isFinite(lo) && Number.isFinite(hi)
        ? (px) => {
            const v = Number(inverse(px));
            return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : null;
          }
        : null;
  }, [inverse, domain, into]);
  return null;
}

/** Drags shorter than this are clicks: they open what is under the pointer instead of zooming. */
export const MIN_DRAG_PX = 5;

/** A click on the page right after a zoom would land on whatever the drag ended over. */
function swallowNextClick(): void {
  const stop = (e: Event) => e.stopPropagation();
  window.addEventListener('click', stop, { capture: true, once: true });
  // The click, if any, is dispatched with the mouseup; a later one is the user's own.
  setTimeout(() => window.removeEventListener('click', stop, { capture: true }), 0);
}

/**
 * Drag-to-zoom on a chart with a continuous (type="number") x axis of epoch ms, such as a scatter:
 * spread `handlers` on the chart and render `<XAxisReader into={axis} />` inside it; a drag of at
 * least MIN_DRAG_PX selects the span under it, anything shorter is left to be a click.
 */
export function useAxisDragZoom(onZoom: (from: number, to: number) => void) {
  const axis = useRef<PixelToValue | null>(null);
  const pointAt = (_: MouseHandlerDataParam, event: MousePointer): Point | null => {
    const px = getRelativeCoordinate(event).relativeX;
    const at = axis.current?.(px) ?? null;
    return at === null ? null : { at, px };
  };
  const far = ({ start, end }: Drag) => Math.abs(end.px - start.px) >= MIN_DRAG_PX;
  const drag = useDrag(
    pointAt,
    (d) => {
      const from = Math.round(Math.min(d.start.at, d.end.at));
      const to = Math.round(Math.max(d.start.at, d.end.at));
      if (!far(d) || from >= to) return;
      swallowNextClick();
      onZoom(from, to);
    },
    far,
  );
  return { ...drag, axis };
}
