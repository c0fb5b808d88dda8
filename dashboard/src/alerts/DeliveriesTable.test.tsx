// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { mountPerTest } from '../test-mount.ts';
import { DeliveriesTable } from './DeliveriesTable.tsx';

const view = mountPerTest();

describe('DeliveriesTable', () => {
  it('shows each attempt with its channel, the receiver’s answer and the error', () => {
    const base = { notificationId: 'n1', ruleId: 'r1', error: '', at: '2026-11-22T05:00:00.000Z' };
    act(() =>
      view.root.render(
        <DeliveriesTable
          deliveries={[
            {
              ...base,
              channel: 'webhook:https://hooks.example/a',
              attempt: 2,
              ok: true,
              status: 200,
            },
            {
              ...base,
              channel: 'webhook:https://hooks.example/a',
              attempt: 1,
              ok: false,
              status: 500,
              error: 'HTTP 500',
            },
            {
              ...base,
              channel: 'email:ops@example.com',
              attempt: 1,
              ok: false,
              status: null,
              error: 'timed out',
            },
          ]}
        />,
      ),
    );
    const rows = [...view.host.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent),
    );
    expect(rows).toEqual([
      ['webhook:https://hooks.example/a', '2', 'delivered (200)', ''],
      ['webhook:https://hooks.example/a', '1', 'failed (500)', 'HTTP 500'],
      ['email:ops@example.com', '1', 'failed', 'timed out'],
    ]);
  });
});
