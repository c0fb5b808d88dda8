import { describe, expect, it } from 'vitest';
import { highlightTerms, prettyBody, splitHighlights } from './highlight.ts';

describe('highlightTerms', () => {
  it('takes free text, body/message terms and wildcard pieces, never negated or field terms', () => {
    expect(
      highlightTerms('service:checkout "payment failed" -timeout pay* body:déclinée OR message:x'),
    ).toEqual(['payment failed', 'déclinée', 'pay', 'x']);
    expect(highlightTerms('level:error -"card"')).toEqual([]);
    expect(highlightTerms('')).toEqual([]);
    expect(highlightTerms('level:(error')).toEqual([]);
  });
});

describe('splitHighlights', () => {
  it('marks every match case-insensitively, longest term first, special characters literal', () => {
    expect(splitHighlights('Card declined: card (x.y)', ['card', 'x.y'])).toEqual([
      { text: 'Card', hit: true },
      { text: ' declined: ', hit: false },
      { text: 'card', hit: true },
      { text: ' (', hit: false },
      { text: 'x.y', hit: true },
      { text: ')', hit: false },
    ]);
    expect(splitHighlights('Zahlung fehlgeschlägen', ['SCHLÄGEN'])).toEqual([
      { text: 'Zahlung fehlge', hit: false },
      { text: 'schlägen', hit: true },
    ]);
    expect(splitHighlights('', ['a'])).toEqual([{ text: '', hit: false }]);
    expect(splitHighlights('abc', [])).toEqual([{ text: 'abc', hit: false }]);
  });
});

describe('prettyBody', () => {
  it('indents JSON objects and arrays, leaves anything else as it came', () => {
    expect(prettyBody('{"a":1,"b":[0,""]}')).toBe('{\n  "a": 1,\n  "b": [\n    0,\n    ""\n  ]\n}');
    expect(prettyBody(' [1] ')).toBe('[\n  1\n]');
    expect(prettyBody('{not json}')).toBe('{not json}');
    expect(prettyBody('line one\nline two')).toBe('line one\nline two');
    expect(prettyBody('42')).toBe('42');
    expect(prettyBody('')).toBe('');
  });
});
