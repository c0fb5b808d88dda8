import { lazy, Suspense } from 'react';

export interface PromQLEditorProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** Enter in the editor: run the query as typed. */
  readonly onRun?: (value: string) => void;
  readonly placeholder?: string;
  /** Accessible name of the text area. */
  readonly label: string;
}

// CodeMirror and the PromQL grammar are a chunk of their own, fetched when an editor first shows:
// the dashboard's first load stays small (dashboard/test/bundle-size.test.ts).
const CodeEditor = lazy(() => import('./PromQLCodeEditor.tsx'));

/** A PromQL editor; a plain text area stands in while the editor's code loads. */
export function PromQLEditor(props: PromQLEditorProps) {
  return (
    <Suspense
      fallback={
        <textarea
          className="promql-editor-fallback"
          aria-label={props.label}
          rows={2}
          value={props.value}
          placeholder={props.placeholder}
          onChange={(e) => props.onChange(e.target.value)}
        />
      }
    >
      <CodeEditor {...props} />
    </Suspense>
  );
}
