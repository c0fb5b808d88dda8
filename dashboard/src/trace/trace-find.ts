import type { Span } from '@sightline/model/api/traces';

/**
 * Whether a span answers a search within its trace: every word of `query` (case-insensitive) is
 * in its name, service, span id, status message or one of its attribute keys or values.
 */
export function spanMatches(span: Span, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const hay = [
    span.name,
    span.serviceName,
    span.spanId,
    span.statusMessage,
    ...Object.entries(span.attributes).flat(),
    ...Object.entries(span.resourceAttributes).flat(),
  ]
    .join('\n')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** The words of a search box, lower-cased; none for a blank box. */
export const findWords = (query: string): string[] =>
  query.toLowerCase().split(/\s+/).filter(Boolean);

/** Ids of the matching spans, in the order given (the waterfall's order). */
export function findSpans(spans: readonly Span[], query: string): string[] {
  const words = findWords(query);
  return words.length === 0 ? [] : spans.filter((s) => spanMatches(s, words)).map((s) => s.spanId);
}

/** The next (step 1) or previous (step -1) of `count` matches, wrapping around. */
export const stepMatch = (current: number, count: number, step: 1 | -1): number =>
  count === 0 ? -1 : (((current + step) % count) + count) % count;
