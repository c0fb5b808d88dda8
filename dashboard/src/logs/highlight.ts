import type { SearchNode } from '@sightline/model/search/ast';
import { parseSearch } from '@sightline/model/search/parse';

/**
 * The words a query looks for in the message: its free-text terms (`"payment failed"`, `error`),
 * `body:`/`message:` terms, and the literal pieces of wildcards (`pay*` → `pay`), never negated
 * ones. Longest first, so a longer term wins where two overlap. A query that does not parse has none.
 */
export function highlightTerms(q: string): string[] {
  let ast: SearchNode | null;
  try {
    ast = parseSearch(q);
  } catch {
    return [];
  }
  const out = new Set<string>();
  const isText = (field: string | null) =>
    field === null || field === 'body' || field === 'message';
  const walk = (n: SearchNode | null): void => {
    if (n === null) return;
    switch (n.type) {
      case 'and':
      case 'or':
        n.children.forEach(walk);
        return;
      case 'term':
        if (isText(n.field) && n.value.trim() !== '') out.add(n.value);
        return;
      case 'wildcard':
        if (isText(n.field)) for (const p of n.parts) if (p.trim() !== '') out.add(p);
        return;
      default:
        return;
    }
  };
  walk(ast);
  return [...out].sort((a, b) => b.length - a.length);
}

/** `text` cut into pieces, `hit` where a term matches (case-insensitive, as search matches). */
export function splitHighlights(
  text: string,
  terms: readonly string[],
): { text: string; hit: boolean }[] {
  if (terms.length === 0 || text === '') return [{ text, hit: false }];
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(${escaped.join('|')})`, 'giu');
  const out: { text: string; hit: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index;
    if (m[0] === '') continue;
    if (at > last) out.push({ text: text.slice(last, at), hit: false });
    out.push({ text: m[0], hit: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), hit: false });
  return out;
}

/** A JSON object or array body, indented two spaces; any other body as it came, line breaks kept. */
export function prettyBody(body: string): string {
  const t = body.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']')))
    return body;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return body;
  }
}
