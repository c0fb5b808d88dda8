import { useState } from 'react';
import { useApi } from '../api.ts';
import { getRule } from '../alerts/alert-api.ts';
import { alertPath } from '../alerts/alert-routes.ts';
import { draftFromRule, NEW_RULE, type RuleDraft } from '../alerts/rule-draft.ts';
import { RuleForm } from '../alerts/RuleForm.tsx';
import { RuleTemplates } from '../alerts/RuleTemplates.tsx';
import { Link } from '../components/Link.tsx';
import { ErrorPanel, Loading } from '../components/States.tsx';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';

interface Props {
  readonly loc: AppLocation;
  /** Unset: a new rule. */
  readonly id?: string;
}

/** /alerts/new and /alerts/:id/edit; the preview span lives in the URL (?hours=). */
export function AlertEditView({ loc, id }: Props) {
  const hours = Number(loc.params.get('hours')) || 1;
  const stored = useApi(id === undefined ? null : `alert-edit-${id}`, (signal) =>
    getRule(id ?? '', signal),
  );
  // A template replaces the new rule's draft; the key remounts the form with it.
  const [start, setStart] = useState<{ draft: RuleDraft; n: number }>({ draft: NEW_RULE, n: 0 });
  const back = hrefTo(id === undefined ? '/alerts' : alertPath(id), {}, loc.params);
  const form = (initial: RuleDraft, key?: number) => (
    <RuleForm
      key={key}
      initial={initial}
      ruleId={id}
      hours={hours}
      onHours={(h) => navigate(withParams(loc, { hours: String(h) }), { replace: true })}
      onSaved={(rule) => navigate(hrefTo(alertPath(rule.id), {}, loc.params))}
      onCancel={() => navigate(back)}
    />
  );
  let body;
  if (id === undefined) {
    body = (
      <>
        <RuleTemplates onUse={(draft) => setStart((s) => ({ draft, n: s.n + 1 }))} />
        {form(start.draft, start.n)}
      </>
    );
  } else if (stored.status === 'loading') body = <Loading what="the alert rule" />;
  else if (stored.status === 'error')
    body = <ErrorPanel error={stored.error} retry={stored.reload} />;
  else body = form(draftFromRule(stored.data));
  return (
    <div className="alerts-page">
      <p className="crumbs">
        <Link href={hrefTo('/alerts', {}, loc.params)}>Alerts</Link> /
        {id !== undefined && stored.status === 'ok' && (
          <>
            {' '}
            <Link href={back}>{stored.data.name}</Link> /
          </>
        )}
      </p>
      <h1>{id === undefined ? 'New alert rule' : 'Edit alert rule'}</h1>
      {body}
    </div>
  );
}
