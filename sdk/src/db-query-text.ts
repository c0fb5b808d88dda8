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

/**
 * Applies the query-text policy to database spans as they end, before any exporter sees them,
 * whichever instrumentation made them; also names the operation of SQL spans that lack one.
 */
export class DbQueryTextProcessor implements SpanProcessor {
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
      if (isSql && attributes['db.operation.name'] === undefined) {
        const operation = sqlOperation(text);
        if (operation !== undefined) attributes['db.operation.name'] = operation;
      }
      if (this.mode === 'none') delete attributes[key];
      else if (this.mode === 'sanitized' && isSql) attributes[key] = sanitizeSql(text, system);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
