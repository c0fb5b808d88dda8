import { useEffect, useState } from 'react';
import type { SavedSearch } from '@sightline/model/api/saved-searches';
import { errorText, useApi } from '../api.ts';
import { navigate } from '../router.ts';
import type { TimeRange } from '../time-range.ts';
import {
  createSavedSearch,
  getSavedSearch,
  listSavedSearches,
  savedSearchHref,
  shareHref,
  storedRange,
} from './saved-search-api.ts';

interface Props {
  readonly q: string;
  readonly columns: readonly string[];
  readonly range: TimeRange;
  /** `saved=<id>` from a shared link: loaded, then replaced by the search's own URL. */
  readonly openId: string | null;
}

/** Saved searches: pick one, or save the current one under a name and share its link. */
export function SavedSearches({ q, columns, range, openId }: Props) {
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<SavedSearch | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const list = useApi(String(version), listSavedSearches);
  useEffect(() => {
    if (openId === null) return;
    const ctl = new AbortController();
    getSavedSearch(openId, ctl.signal).then(
      (s) => navigate(savedSearchHref(s), { replace: true }),
      (err: unknown) => {
        if (!ctl.signal.aborted) setError(`Saved search ${openId}: ${errorText(err)}`);
      },
    );
    return () => ctl.abort();
  }, [openId]);
  const save = async () => {
    setError(null);
    try {
      const s = await createSavedSearch({
        name: name.trim(),
        query: q,
        columns: [...columns],
        timeRange: storedRange(range),
      });
      setSaved(s);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const searches = list.status === 'ok' ? list.data.searches : [];
  return (
    <>
      <select
        aria-label="Saved searches"
        value=""
        onChange={(e) => {
          const s = searches.find((x) => x.id === e.target.value);
          if (s) navigate(savedSearchHref(s));
        }}
      >
        <option value="">
          {list.status === 'loading' ? 'Saved searches…' : `Saved searches (${searches.length})`}
        </option>
        {searches.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <button type="button" aria-expanded={saving} onClick={() => setSaving(!saving)}>
        Save search…
      </button>
      {error && !saving && <span className="hint bad">{error}</span>}
      {saving && (
        <form
          className="card saved-searches"
          aria-label="Save this search"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label>
            Name <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <span className="sub">
            Saves the query, the {columns.length} columns and the time range.
          </span>
          <button type="submit" disabled={name.trim() === ''}>
            Save
          </button>
          {saved && (
            <label>
              Link to share{' '}
              <input readOnly size={48} value={shareHref(saved.id)} aria-label="Link to share" />
            </label>
          )}
          {error && <span className="hint bad">{error}</span>}
          <button
            type="button"
            aria-label="Close the save form"
            onClick={() => {
              setSaving(false);
              setSaved(null);
            }}
          >
            ✕
          </button>
        </form>
      )}
    </>
  );
}
