import { useEffect, useRef } from 'react';
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import type { PromQLEditorProps } from './PromQLEditor.tsx';

/** Sightline's Prometheus API, on the same origin as the dashboard (session cookie). */
const PROMETHEUS_URL = '/prometheus';

/** How far back autocomplete looks for metric names, labels and values. */
const LOOKBACK_MS = 24 * 3_600_000;

// Completion only reads (GET), so the session cookie is all it needs.
const fetchFn: typeof fetch = (input, init) =>
  fetch(input, { ...init, credentials: 'same-origin' });

/**
 * The editor Prometheus's own UI uses: PromQL highlighting, linting, and completion of functions,
 * metric names, label names and label values read from Sightline's /prometheus API.
 * Enter runs the query; Shift+Enter breaks the line. Loaded on demand (see PromQLEditor.tsx).
 */
export default function PromQLCodeEditor({
  value,
  onChange,
  onRun,
  placeholder,
  label,
}: PromQLEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The callbacks change every render; the editor reads the latest through refs.
  const latest = useRef({ onChange, onRun });
  latest.current = { onChange, onRun };
  // What the editor last reported: a `value` equal to it is our own echo, possibly older than the
  // text typed since (keys arrive faster than React renders), and must not overwrite it.
  const emitted = useRef(value);

  useEffect(() => {
    if (!host.current) return undefined;
    const promql = new PromQLExtension().setComplete({
      remote: { url: PROMETHEUS_URL, fetchFn, lookbackInterval: LOOKBACK_MS, httpMethod: 'GET' },
    });
    const run = () => {
      latest.current.onRun?.(v.state.doc.toString());
      return true;
    };
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          closeBrackets(),
          bracketMatching(),
          autocompletion(),
          syntaxHighlighting(defaultHighlightStyle),
          placeholderText(placeholder ?? ''),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': label }),
          keymap.of([
            // Enter picks the highlighted completion while the list is open, else runs the query;
            // both before the default keymap, where Enter inserts a line break.
            ...completionKeymap,
            { key: 'Enter', run },
            ...closeBracketsKeymap,
            ...historyKeymap,
            ...defaultKeymap,
          ]),
          promql.asExtension(),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            emitted.current = u.state.doc.toString();
            latest.current.onChange(emitted.current);
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      promql.destroy();
      view.current = null;
    };
    // The editor is built once; `value` is pushed in by the effect below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && value !== emitted.current && v.state.doc.toString() !== value) {
      emitted.current = value;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} className="promql-editor" data-testid="promql-editor" />;
}
