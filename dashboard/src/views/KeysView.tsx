import { useState, type FormEvent } from 'react';
import { SCOPES, type ApiKeyInfo, type Scope } from '@sightline/model/api/auth';
import { errorText, useApi } from '../api.ts';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { formatTime } from '../format.ts';
import { createKey, listKeys, revokeKey } from '../keys/key-api.ts';

const SCOPE_HELP: Record<Scope, string> = {
  ingest: 'send telemetry (OTLP, Zipkin, remote write)',
  read: 'search and chart through the query API',
  admin: 'manage keys, alert rules and silences',
};

/** Active keys first, newest first within each group. */
export function orderKeys(keys: readonly ApiKeyInfo[]): ApiKeyInfo[] {
  return [...keys].sort(
    (a, b) =>
      Number(a.revokedAt !== null) - Number(b.revokedAt !== null) ||
      Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
}

interface Created {
  readonly key: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/** How to use a new key, one line per scope it has: an exporter setting or a call to copy. */
export function usageLines(key: string, scopes: readonly Scope[], origin: string): string[] {
  const lines: string[] = [];
  if (scopes.includes('ingest'))
    lines.push(`OTEL_EXPORTER_OTLP_HEADERS='authorization=Bearer ${key}'`);
  if (scopes.includes('read'))
    lines.push(`curl -H 'authorization: Bearer ${key}' ${origin}/api/v1/services`);
  if (scopes.includes('admin'))
    lines.push(`curl -H 'authorization: Bearer ${key}' ${origin}/api/v1/keys`);
  return lines;
}

/** The whole key of one just made: the only time anyone sees it. */
function NewKey({ created, onDone }: { created: Created; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      // Clipboard access needs a secure page or a permission; the key stays selectable.
      setCopied(false);
    }
  };
  return (
    <div className="card new-key" role="status" aria-label="New API key">
      <strong>Key “{created.name}” created.</strong> Store it now: Sightline keeps only a hash and
      will not show it again.
      <div className="new-key-row">
        <code className="new-key-value">{created.key}</code>
        <button type="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      <pre className="new-key-usage" aria-label="How to use it">
        {usageLines(created.key, created.scopes, window.location.origin).join('\n')}
      </pre>
    </div>
  );
}

/** API keys: make one for a service or a script, see who made which, revoke one that leaked. */
export function KeysView({ authOn }: { readonly authOn: boolean }) {
  const list = useApi('keys', (signal) => listKeys(signal));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<readonly Scope[]>(['read']);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const toggle = (scope: Scope) =>
    setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '')
      return setProblem('Name: say what the key is for, e.g. "checkout service".');
    if (scopes.length === 0) return setProblem('Scopes: pick at least one.');
    try {
      const answer = await createKey({
        name: trimmed,
        scopes: SCOPES.filter((s) => scopes.includes(s)),
      });
      setCreated({ key: answer.key, name: answer.info.name, scopes: answer.info.scopes });
      setProblem(null);
      setName('');
      list.reload();
    } catch (err) {
      setProblem(errorText(err));
    }
  };
  const revoke = async (id: string) => {
    setConfirming(null);
    try {
      await revokeKey(id);
      setProblem(null);
      list.reload();
    } catch (err) {
      setProblem(errorText(err));
    }
  };

  const keys = list.status === 'ok' ? orderKeys(list.data.keys) : [];
  return (
    <div className="keys-page">
      <h1>API keys</h1>
      {!authOn && (
        <p className="hint" role="note">
          Authentication is off, so no listener asks for a key yet. Keys made here start to count
          once Sightline runs with <code>SIGHTLINE_AUTH=on</code>.
        </p>
      )}
      {created && <NewKey created={created} onDone={() => setCreated(null)} />}
      <section className="card" aria-label="Create an API key">
        <form className="key-form" onSubmit={(e) => void submit(e)}>
          <label>
            Name
            <input
              name="key-name"
              value={name}
              maxLength={200}
              placeholder="checkout service"
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <fieldset>
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s} className="key-scope" title={SCOPE_HELP[s]}>
                <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} />
                {s} <span className="sub">— {SCOPE_HELP[s]}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit">Create key</button>
        </form>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
      </section>
      {list.status === 'loading' && <Loading what="API keys" />}
      {list.status === 'error' && <ErrorPanel error={list.error} retry={list.reload} />}
      {list.status === 'ok' && keys.length === 0 && (
        <Empty title="No API keys yet">
          Create one above for each service that sends telemetry and each script that reads it.
        </Empty>
      )}
      {keys.length > 0 && (
        <table className="grid keys-table" aria-label="API keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>By</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} className={k.revokedAt === null ? undefined : 'revoked'}>
                <td>{k.name}</td>
                <td>
                  <code>sl_{k.prefix}_…</code>
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td className="nowrap">{formatTime(Date.parse(k.createdAt), true)}</td>
                <td>{k.createdBy}</td>
                <td className="nowrap">
                  {k.revokedAt === null
                    ? 'active'
                    : `revoked ${formatTime(Date.parse(k.revokedAt), true)}`}
                </td>
                <td className="num nowrap">
                  {k.revokedAt === null && confirming !== k.id && (
                    <button type="button" onClick={() => setConfirming(k.id)}>
                      Revoke
                    </button>
                  )}
                  {confirming === k.id && (
                    <>
                      <button type="button" className="danger" onClick={() => void revoke(k.id)}>
                        Revoke {k.name} for good
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
