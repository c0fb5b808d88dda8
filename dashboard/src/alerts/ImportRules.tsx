import { useState, type ChangeEvent } from 'react';
import type { AlertRulesImportResponse } from '@sightline/model/api/alert-import';
import { errorText } from '../api.ts';
import { importPrometheusRules } from './alert-api.ts';

/**
 * "Import Prometheus rules": a rule file (groups → rules, as promtool reads it) becomes PromQL
 * alert rules; what was created, skipped or changed is listed, and a bad file's 400 is shown
 * as the API words it (group, rule and field).
 */
export function ImportRules({ onImported }: { onImported: () => void }) {
  const [result, setResult] = useState<AlertRulesImportResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await importPrometheusRules(await file.text()));
      onImported();
    } catch (err) {
      setError(`${file.name}: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="alert-import">
      <label className="button">
        {busy ? 'Importing…' : 'Import Prometheus rules'}
        <input
          type="file"
          accept=".yml,.yaml,text/yaml,application/yaml"
          hidden
          disabled={busy}
          aria-label="Prometheus rule file"
          onChange={(e) => void pick(e)}
        />
      </label>
      {error !== null && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {result !== null && (
        <div className="hint" role="status">
          Imported {result.created.length} rule{result.created.length === 1 ? '' : 's'}
          {result.created.length > 0 && `: ${result.created.map((r) => r.name).join(', ')}`}.
          {result.skipped.length > 0 && (
            <ul aria-label="Skipped rules">
              {result.skipped.map((s) => (
                <li key={`${s.group}/${s.rule}`}>
                  skipped {s.group}/{s.rule}: {s.reason}
                </li>
              ))}
            </ul>
          )}
          {result.warnings.length > 0 && (
            <ul aria-label="Import warnings">
              {result.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
