import { useEffect, useState } from 'react';

/**
 * The width in CSS pixels of the element `ref` is given to, kept current by a ResizeObserver;
 * null until it has been measured (so nothing that depends on it loads twice). A callback ref,
 * so an element that appears after the first render is measured too.
 */
export function useElementWidth<E extends HTMLElement>(): {
  ref: (el: E | null) => void;
  width: number | null;
} {
  const [el, setEl] = useState<E | null>(null);
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    if (!el) return undefined;
    setWidth(Math.round(el.getBoundingClientRect().width));
    if (typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.round(entry.contentRect.width));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  return { ref: setEl, width };
}
