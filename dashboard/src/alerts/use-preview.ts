import { useEffect, useState } from 'react';
import type { AlertPreviewResponse, AlertRuleInput } from '@sightline/model/api/alerts';
import { previewRule } from './alert-api.ts';

export interface PreviewState {
  readonly data: AlertPreviewResponse | null;
  readonly error: Error | null;
  readonly loading: boolean;
}

/** Waits this long after the last edit, so typing a threshold does not fire one query a key. */
export const PREVIEW_DEBOUNCE_MS = 500;

/**
 * The preview of `rule` over the last `hours`, re-run (debounced) whenever either changes; null
 * `rule` means the draft is not ready to preview. The last chart stays up while the next loads.
 */
export function usePreview(rule: AlertRuleInput | null, hours: number): PreviewState {
  const key = rule === null ? null : JSON.stringify([rule, hours]);
  const [settled, setSettled] = useState(key);
  const [state, setState] = useState<PreviewState>({ data: null, error: null, loading: false });
  useEffect(() => {
    const t = setTimeout(() => setSettled(key), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [key]);
  useEffect(() => {
    if (settled === null) {
      setState({ data: null, error: null, loading: false });
      return undefined;
    }
    const [input, h] = JSON.parse(settled) as [AlertRuleInput, number];
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    previewRule(input, h, ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ data, error: null, loading: false });
      },
      (err: unknown) => {
        if (!ctl.signal.aborted)
          setState({
            data: null,
            error: err instanceof Error ? err : new Error(String(err)),
            loading: false,
          });
      },
    );
    return () => ctl.abort();
  }, [settled]);
  return { ...state, loading: state.loading || settled !== key };
}
