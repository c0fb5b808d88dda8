import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';

/** What database spans keep of the query: literals replaced by `?`, the text as sent, or nothing. */
export type DbQueryTextMode = 'sanitized' | 'raw' | 'none';

const SQL_SYSTEMS = new Set([
  'postgresql',
  'mysql',
  'mariadb',
  'microsoft.sql_server',
  'mssql',
  'sqlite',
  'oracle.db',
  'oracle',
  'cockroachdb',
  'db2',
  'ibm.db2',
]);
const BACKSLASH_ESCAPES = new Set(['mysql', 'mariadb']);

// One pass over the text, token by token: `lit` (strings) and `num` (numbers) become `?`; `keep`
// (quoted identifiers, comments, `$n` parameters, words) stays, so digits inside identifiers
// (t1, col_2) are not taken for numbers.
const NUMBER = String.raw`\b0x[0-9a-fA-F]+\b|(?:\b\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\b`;
const POSTGRES_TOKENS = new RegExp(
  String.raw`(?<lit>'(?:[^']|'')*'?|\$[A-Za-z_]*\$[\s\S]*?\$[A-Za-z_]*\$)` +
    String.raw`|(?<keep>"(?:[^"]|"")*"?|--[^\n]*|\/\*[\s\S]*?\*\/|\$\d+|[A-Za-z_][\w$]*)` +
    `|(?<num>${NUMBER})`,
  'g',
);
// MySQL reads "…" as a string unless ANSI_QUOTES is set, and escapes with backslashes.
const MYSQL_TOKENS = new RegExp(
  String.raw`(?<lit>'(?:[^'\\]|\\[\s\S]|'')*'?|"(?:[^"\\]|\\[\s\S]|"")*"?)` +
    String.raw`|(?<keep>` +
    '`[^`]*`?' +
    String.raw`|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/|[A-Za-z_][\w$]*)` +
    `|(?<num>${NUMBER})`,
  'g',
);

interface TokenGroups {
  keep?: string;
}

/** The query with every string and number literal replaced by `?`. */
export function sanitizeSql(text: string, system = 'postgresql'): string {
  const tokens = BACKSLASH_ESCAPES.has(system) ? MYSQL_TOKENS : POSTGRES_TOKENS;
  return text.replace(tokens, (...args: unknown[]) => {
    const groups = args[args.length - 1] as TokenGroups;
    return groups.keep ?? '?';
  });
}

const FIRST_WORD = /^(?:\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()*([A-Za-z]+)/;

/** The statement's first keyword, upper-cased (`SELECT`, `INSERT`, `WITH`), if any. */
export function sqlOperation(text: string): string | undefined {
  return FIRST_WORD.exec(text)?.[1]?.toUpperCase();
}

const QUERY_TEXT_KEYS = ['db.query.text', 'db.statement'] as const;

/** Texts longer than this are worked out each time rather than kept. */
const CACHED_TEXT_MAX = 4096;

/**
 * The sanitised text and operation of recent queries, by system and text: an app sends the same
 * few parameterised statements over and over, and the regular expressions cost microseconds per
 * span (the largest share of the SDK's own time per query, profiled in docs/benchmarks.md).
 * Bounded: when full it starts again empty.
 */
export class QueryTextCache {
  private readonly entries = new Map<string, { text: string; operation: string | undefined }>();

  constructor(private readonly maxEntries = 512) {}

  get size(): number {
    return this.entries.size;
  }

  get(text: string, system: string): { text: string; operation: string | undefined } {
    if (text.length > CACHED_TEXT_MAX)
      return { text: sanitizeSql(text, system), operation: sqlOperation(text) };
    const key = `${system}\u0000${text}`;
    let hit = this.entries.get(key);
    if (hit === undefined) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      hit = { text: sanitizeSql(text, system), operation: sqlOperation(text) };
      this.entries.set(key, hit);
    }
    return hit;
  }
}

/**
 * Applies the query-text policy to database spans as they end, before any exporter sees them,
 * whichever instrumentation made them; also names the operation of SQL spans that lack one.
 */
export class DbQueryTextProcessor implements SpanProcessor {
  private readonly cache = new QueryTextCache();

  constructor(private readonly mode: DbQueryTextMode) {}

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    // A ReadableSpan's attributes are a plain object owned by the ended span: edit them in place.
    const attributes = span.attributes as Record<string, unknown>;
    const system = attributes['db.system.name'] ?? attributes['db.system'];
    if (typeof system !== 'string') return;
    for (const key of QUERY_TEXT_KEYS) {
      const text = attributes[key];
      if (typeof text !== 'string') continue;
      const isSql = SQL_SYSTEMS.has(system);
      const known = isSql ? this.cache.get(text, system) : undefined;
      if (known?.operation !== undefined && attributes['db.operation.name'] === undefined) {
        attributes['db.operation.name'] = known.operation;
      }
      if (this.mode === 'none') delete attributes[key];
      else if (this.mode === 'sanitized' && known !== undefined) attributes[key] = known.text;
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
