// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { mountPerTest } from '../test-mount.ts';
import { QueryError } from './QueryError.tsx';

const view = mountPerTest();

/** The echo's two lines: the query, and the caret line under it. */
const echo = () => (view.host.querySelector('.query-echo')?.textContent ?? '').split('\n');

describe('QueryError', () => {
  it('marks the character the parser stopped at, with the caret in its column', () => {
    const query = 'level:error AND )';
    act(() =>
      view.root.render(
        <QueryError query={query} problem={{ position: 16, expected: 'a term', found: '")"' }} />,
      ),
    );
    const [line, caret] = echo();
    expect(line).toBe(query);
    expect(caret).toBe(`${' '.repeat(16)}^`);
    expect(view.host.querySelector('mark')?.textContent).toBe(')');
    expect(view.host.querySelector('[role=alert] span')?.textContent).toBe(
      'Column 17: expected a term, found ")".',
    );
  });

  it('points one past the end when the query stops short', () => {
    act(() =>
      view.root.render(
        <QueryError
          query="duration:>"
          problem={{ position: 10, expected: 'a number', found: 'end of query' }}
        />,
      ),
    );
    const [line, caret] = echo();
    expect(line).toBe('duration:> ');
    expect(caret?.indexOf('^')).toBe(10);
    expect(view.host.querySelector('mark')?.textContent).toBe(' ');
    expect(view.host.textContent).toContain('Column 11: expected a number, found end of query.');
  });

  it('renders nothing when the query parses', () => {
    act(() => view.root.render(<QueryError query="level:error" problem={null} />));
    expect(view.host.innerHTML).toBe('');
  });
});
