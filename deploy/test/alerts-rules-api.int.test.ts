import { describe, expect, it } from 'vitest';
import type { AlertRuleInput } from '@sightline/model/api/alerts';
import { useAlertSightline } from './alerts-fixture.ts';
import { api, createRule } from './alerts-helpers.ts';

const alert = useAlertSightline();
const { rule: base } = alert;

describe('alert rules API', () => {
  it('creates, reads, replaces, lists and deletes rules', async () => {
    const rule = await createRule(alert.s, base({ name: 'crud', enabled: false }));
    expect(rule).toMatchObject({ name: 'crud', enabled: false, noData: 'keep', groupBy: [] });
    expect((await api(alert.s, 'GET', `/alerts/rules/${rule.id}`)).body).toEqual(rule);
    const put = await api<{ name: string; createdAt: string }>(
      alert.s,
      'PUT',
      `/alerts/rules/${rule.id}`,
      base({ name: 'crud 2', enabled: false }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'crud 2', createdAt: rule.createdAt });
    const list = await api<{ rules: { id: string; name: string }[] }>(
      alert.s,
      'GET',
      '/alerts/rules',
    );
    expect(list.body.rules.find((r) => r.id === rule.id)?.name).toBe('crud 2');
    expect((await api(alert.s, 'DELETE', `/alerts/rules/${rule.id}`)).status).toBe(204);
    const gone = await api<{ error: { code: string } }>(alert.s, 'GET', `/alerts/rules/${rule.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('SL_ERR_NOT_FOUND');
  });

  it('answers 400 naming the field for invalid rules', async () => {
    const bad = async (rule: unknown) => {
      const res = await api<{ error: { code: string; message: string } }>(
        alert.s,
        'POST',
        '/alerts/rules',
        rule,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toMatch(/^SL_ERR_/);
      return res.body.error.message;
    };
    expect(await bad({ ...base({}), condition: { op: '>', threshold: 'high' } })).toMatch(
      /condition\/threshold/,
    );
    expect(await bad({ ...base({}), condition: { op: '!=', threshold: 1 } })).toMatch(
      /condition\/op/,
    );
    expect(await bad(base({ interval: '0s' }))).toMatch(/^interval: /);
    expect(await bad({ ...base({}), window: 'soon' })).toMatch(/window/);
    expect(await bad(base({ query: { kind: 'log_count', q: 'level:(error' } }))).toMatch(
      /^query\.q: /,
    );
    expect(await bad(base({ message: '{{nope}}' }))).toMatch(/^message: unknown placeholder/);
    expect(await bad(base({ channels: [{ kind: 'webhook', url: 'ftp://example.com' }] }))).toMatch(
      /channels/,
    );
    const noName: Partial<AlertRuleInput> = base({});
    delete noName.name;
    expect(await bad(noName)).toMatch(/name/);
  });

  it('lists the alert endpoints in the OpenAPI document', async () => {
    const doc = await api<{ paths: Record<string, unknown> }>(alert.s, 'GET', '/openapi.json');
    for (const p of [
      '/api/v1/alerts/rules',
      '/api/v1/alerts/rules/{id}',
      '/api/v1/alerts',
      '/api/v1/alerts/history',
      '/api/v1/alerts/silences',
      '/api/v1/alerts/preview',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
  });
});
