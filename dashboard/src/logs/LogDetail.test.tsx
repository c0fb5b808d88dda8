// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '@sightline/model/api/logs';
import { mountPerTest } from '../test-mount.ts';
import { LogDetail } from './LogDetail.tsx';

const view = mountPerTest();

const record = (over: Partial<LogRecord>): LogRecord => ({
  timestamp: '1700000000000000000',
  id: '1',
  severityText: 'INFO',
  severityNumber: 9,
  level: 'info',
  service: 'shop',
  body: 'hello',
  traceId: '',
  spanId: '',
  eventName: '',
  scope: { name: '', version: '' },
  attributes: {},
  resourceAttributes: {},
  ...over,
});

const field = (name: string) => view.host.querySelector(`[data-field="${name}"]`);

describe('LogDetail', () => {
  it('shows the event name and the instrumentation scope, each linking to a search for it', () => {
    act(() =>
      view.root.render(
        <LogDetail
          record={record({
            eventName: 'browser.page view',
            scope: { name: '@shop/çart', version: '2.0.1' },
          })}
        />,
      ),
    );
    const event = field('event_name')!.querySelector('a')!;
    expect(event.textContent).toBe('browser.page view');
    expect(new URL(event.href).searchParams.get('q')).toBe('event_name:"browser.page view"');
    const scope = field('scope')!;
    expect(scope.textContent).toBe('@shop/çart version 2.0.1');
    expect(new URL(scope.querySelector('a')!.href).searchParams.get('q')).toBe(
      'scope.name:"@shop/çart"',
    );
  });

  it('says so when the record is not an event and has no scope', () => {
    act(() => view.root.render(<LogDetail record={record({})} />));
    expect(field('event_name')!.textContent).toBe('not an event');
    expect(field('scope')!.textContent).toBe('no instrumentation scope');
    expect(field('scope')!.querySelector('a')).toBeNull();
  });
});
