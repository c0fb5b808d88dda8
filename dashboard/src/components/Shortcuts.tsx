import { useEffect, useState } from 'react';
import { navigate, withParams, type AppLocation } from '../router.ts';

export const SHORTCUTS: readonly (readonly [string, string])[] = [
  ['/', 'Focus the search box'],
  [
    'Esc',
    'Close the open panel (span detail, log context, expanded log, field values, columns) or this list',
  ],
  ['?', 'Show these shortcuts'],
];

/** URL parameters that hold an open panel; Esc removes them when no close button is showing. */
const PANEL_PARAMS = ['span', 'log', 'around'] as const;

/** Input types that take no typed text: keys pressed on them are shortcuts (Esc closes a panel). */
const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color']);

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement &&
  (t.isContentEditable ||
    (t instanceof HTMLInputElement && !NOT_TYPED.has(t.type)) ||
    t.tagName === 'TEXTAREA' ||
    t.tagName === 'SELECT');

/**
 * The dashboard's keyboard: `/` search, `Esc` close, `?` this list. Keys typed into a field are
 * left alone, except Esc, which leaves the field.
 */
export function useShortcuts(loc: AppLocation): { open: boolean; close: () => void } {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e.target)) {
        if (e.key === 'Escape') (e.target as HTMLElement).blur();
        return;
      }
      if (e.key === '/') {
        const search = document.querySelector<HTMLInputElement>('form[role="search"] input');
        if (search) {
          e.preventDefault();
          search.focus();
        }
      } else if (e.key === '?') {
        setOpen(true);
      } else if (e.key === 'Escape') {
        if (open) return setOpen(false);
        const closer = document.querySelector<HTMLButtonElement>(
          'main button[aria-label^="Close"]',
        );
        if (closer) return closer.click();
        if (PANEL_PARAMS.some((p) => loc.params.has(p)))
          navigate(withParams(loc, { span: null, log: null, around: null }), { replace: true });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [loc, open]);
  return { open, close: () => setOpen(false) };
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <div className="shortcuts-backdrop" onClick={onClose}>
      <div
        className="card shortcuts"
        role="dialog"
        aria-label="Keyboard shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <h2>Keyboard shortcuts</h2>
        <table className="grid">
          <tbody>
            {SHORTCUTS.map(([key, what]) => (
              <tr key={key}>
                <td>
                  <kbd>{key}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}
