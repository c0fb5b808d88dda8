import { useState } from 'react';
import type { MouseHandlerDataParam } from 'recharts';

/**
 * The time range a drag across buckets covers: from the earlier bucket's start to the end of the
 * later one, whichever way the user dragged. A click (no drag) is one bucket.
 */
export function dragRange(a: number, b: number, stepMs: number): { from: number; to: number } {
  return { from: Math.min(a, b), to: Math.max(a, b) + stepMs };
}

const labelOf = (state: MouseHandlerDataParam): number | null => {
  const v = Number(state.activeLabel);
  return state.activeLabel === undefined || !Number.isFinite(v) ? null : v;
};

/**
 * Drag-to-zoom on a chart whose x values are bucket starts (epoch ms): spread `handlers` on the
 * chart, draw `selection` as a ReferenceArea while dragging, `onZoom` gets the range on release.
 */
export function useDragZoom(stepMs: number, onZoom: (from: number, to: number) => void) {
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null);
  const handlers = {
    onMouseDown: (state: MouseHandlerDataParam) => {
      const at = labelOf(state);
      if (at !== null) setDrag({ start: at, end: at });
    },
    onMouseMove: (state: MouseHandlerDataParam) => {
      const at = labelOf(state);
      if (drag && at !== null && at !== drag.end) setDrag({ ...drag, end: at });
    },
    onMouseUp: () => {
      if (!drag) return;
      setDrag(null);
      const { from, to } = dragRange(drag.start, drag.end, stepMs);
      onZoom(from, to);
    },
    onMouseLeave: () => setDrag(null),
  };
  const selection =
    drag && drag.start !== drag.end
      ? { x1: Math.min(drag.start, drag.end), x2: Math.max(drag.start, drag.end) }
      : null;
  return { handlers, selection };
}
