import { describe, expect, it } from 'vitest';
import type { SearchCompareOp, SearchNode, SearchRangeBound } from './ast.ts';
import { SearchSyntaxError } from './errors.ts';
import { formatSearch } from './format.ts';
import { SEARCH_MAX_LENGTH } from './limits.ts';
import { parseSearch } from './parse.ts';

/** Seeded so a failure reproduces; the seed is in the test name. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from empty list');
    return item;
  }
}

/** Syntax characters are over-represented so random strings hit the parser's edges. */
const ALPHABET = [
  ...'()[]{}":*\\-+<>=! \t\n',
  ...'abcxyz019._/@',
  'AND',
  'OR',
  'NOT',
  'TO',
  'é',
  'Ж',
  '日',
  '🚀',
  '\u00a0',
  '\u0000',
  '\ud800', // lone surrogate
];

function randomString(rng: Random, maxLength: number): string {
  let out = '';
  const length = rng.int(maxLength + 1);
  for (let i = 0; i < length; i++) out += rng.pick(ALPHABET);
  return out;
}

/** Parses or throws the typed error, and checks the error is well-formed. */
function parseChecked(input: string): SearchNode | null {
  try {
    return parseSearch(input);
  } catch (error) {
    if (!(error instanceof SearchSyntaxError)) throw error;
    expect(error.code).toBe('SL_ERR_SEARCH_SYNTAX');
    expect(error.position).toBeGreaterThanOrEqual(0);
    expect(error.position).toBeLessThanOrEqual(input.length);
    expect(error.message).toMatch(/^at position \d+: expected .+, found .+$/s);
    return null;
  }
}

/** For anything that parsed: the canonical text parses back to the same AST. */
function expectRoundTrip(ast: SearchNode | null): void {
  if (ast === null) return;
  const text = formatSearch(ast);
  // Quoting can push a query that was at the length limit past it; that is not a round-trip bug.
  if (text.length > SEARCH_MAX_LENGTH) return;
  expect(parseSearch(text), text).toEqual(ast);
}

const VALID_QUERIES = [
  'service:checkout level:error "payment failed" duration:>500ms http.status_code:[500 TO 599] -env:dev',
  'a OR b AND NOT c',
  '(a OR b) (c OR -d) +e',
  'service:(checkout OR cart) exists:user.id k:*',
  'url:"http://x/a b" name:GET* *timeout* x:{1 TO *]',
  'path:C\\:\\\\temp duration:(>1s <=2.5s) "quote \\" inside"',
  'ключ:значение 日本 🚀:x resource.k8s.pod.name:api-*',
];

function mutate(rng: Random, input: string): string {
  const at = rng.int(input.length + 1);
  switch (rng.int(5)) {
    case 0:
      return input.slice(0, at) + input.slice(at + 1 + rng.int(4));
    case 1:
      return input.slice(0, at) + rng.pick(ALPHABET) + input.slice(at);
    case 2:
      return input.slice(0, at) + input.slice(rng.int(input.length)) + input.slice(at);
    case 3:
      return input.slice(at) + input.slice(0, at);
    default:
      return input.slice(0, at) + randomString(rng, 4) + input.slice(at + rng.int(3));
  }
}

// ---- generators of valid ASTs (normalised the way the parser builds them) ----

const VALUE_PIECES = ['a', 'Z9', ' ', '"', '\\', ':', '(', ')', '[', '}', '-', '+', '>', '<='];
const VALUE_WORDS = ['AND', 'OR', 'NOT', 'TO', 'exists', 'é', '🚀', '%', '_', '*', "'"];

function randomValue(rng: Random, allowEmpty = true): string {
  let out = '';
  const pieces = rng.int(4) + (allowEmpty ? 0 : 1);
  for (let i = 0; i < pieces; i++) out += rng.pick(rng.chance(0.3) ? VALUE_WORDS : VALUE_PIECES);
  return out;
}

function randomField(rng: Random): string {
  return rng.chance(0.6)
    ? rng.pick(['service', 'duration', 'http.status_code', 'exists', 'k8s.pod.name'])
    : randomValue(rng, false);
}

function randomParts(rng: Random, field: string | null): string[] {
  const parts = [rng.chance(0.5) ? '' : randomValue(rng, false)];
  const middle = rng.int(3);
  for (let i = 0; i < middle; i++) parts.push(randomValue(rng, false));
  parts.push(rng.chance(0.5) ? '' : randomValue(rng, false));
  // `field:*` is an existence test, so a field wildcard needs some literal text.
  if (field !== null && parts.every((p) => p.length === 0)) parts[0] = 'x';
  return parts;
}

function randomBound(rng: Random): SearchRangeBound | null {
  return rng.chance(0.2) ? null : { value: randomValue(rng), inclusive: rng.chance(0.5) };
}

function randomLeaf(rng: Random): SearchNode {
  const field = rng.chance(0.3) ? null : randomField(rng);
  const kind = rng.int(field === null ? 2 : 5);
  if (kind === 0) return { type: 'term', field, value: randomValue(rng) };
  if (kind === 1) return { type: 'wildcard', field, parts: randomParts(rng, field) };
  const named = field ?? 'f';
  if (kind === 2) {
    const op = rng.pick<SearchCompareOp>(['>', '>=', '<', '<=']);
    return { type: 'compare', field: named, op, value: randomValue(rng) };
  }
  if (kind === 3) {
    return { type: 'range', field: named, lower: randomBound(rng), upper: randomBound(rng) };
  }
  return { type: 'exists', field: named };
}

function randomAst(rng: Random, depth: number): SearchNode {
  if (depth === 0 || rng.chance(0.35)) return randomLeaf(rng);
  const kind = rng.int(3);
  if (kind === 0) return { type: 'not', child: randomAst(rng, depth - 1) };
  const type = kind === 1 ? 'and' : 'or';
  const children: SearchNode[] = [];
  const count = 2 + rng.int(3);
  for (let i = 0; i < count; i++) {
    const child = randomAst(rng, depth - 1);
    // The parser flattens AND-in-AND and OR-in-OR, so generate what it would produce.
    if (child.type === type) children.push(...child.children);
    else children.push(child);
  }
  return { type, children };
}

describe('parser fuzzing', () => {
  it('returns an AST or throws the typed syntax error for random strings (seed 1)', () => {
    const rng = new Random(1);
    let parsed = 0;
    for (let i = 0; i < 20_000; i++) {
      const input = randomString(rng, 40);
      const ast = parseChecked(input);
      if (ast) parsed++;
      expectRoundTrip(ast);
    }
    // The alphabet must also produce valid queries, or this test would check little.
    expect(parsed).toBeGreaterThan(2_000);
  });

  it('survives random mutations of valid queries (seed 2)', () => {
    const rng = new Random(2);
    for (const query of VALID_QUERIES) expect(parseSearch(query)).not.toBeNull();
    for (let i = 0; i < 10_000; i++) {
      let input = rng.pick(VALID_QUERIES);
      const rounds = 1 + rng.int(4);
      for (let r = 0; r < rounds; r++) input = mutate(rng, input);
      expectRoundTrip(parseChecked(input));
    }
  });

  it('round-trips generated ASTs through formatSearch and parseSearch (seed 3)', () => {
    const rng = new Random(3);
    for (let i = 0; i < 5_000; i++) {
      const ast = randomAst(rng, 4);
      const text = formatSearch(ast);
      expect(parseSearch(text), text).toEqual(ast);
      expect(formatSearch(parseSearch(text))).toBe(text);
    }
  });

  it('handles pathological inputs at the maximum length', () => {
    const n = SEARCH_MAX_LENGTH;
    const inputs = [
      '"'.repeat(n),
      '\\'.repeat(n),
      '*'.repeat(n),
      '\\a'.repeat(n / 2),
      `"${'\\"'.repeat(n / 2 - 1)}`,
      ')'.repeat(n),
      'x:'.repeat(n / 2),
      'x:['.repeat(n / 3),
      'a '.repeat(n / 2),
      'a OR '.repeat(n / 5),
      `"${'x'.repeat(n - 2)}"`,
      '🚀'.repeat(n / 2),
      `k:(${'a '.repeat(n / 2 - 3)})`,
    ];
    for (const input of inputs) {
      expect(input.length).toBeLessThanOrEqual(n);
      expectRoundTrip(parseChecked(input));
    }
  });
});
