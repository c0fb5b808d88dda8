import type { SearchCompareOp, SearchNode } from '@sightline/model/search/ast';
import { SearchFieldError, SearchValueError } from './errors.ts';
import { resolveField, type ResolvedField, type SearchTarget } from './fields.ts';
import {
  escapeLike,
  findSeverityLevel,
  likePattern,
  parseDurationNs,
  parseNumber,
  parseSeverityNumber,
} from './values.ts';

export type { SearchTarget } from './fields.ts';

export type SearchParamValue = string | number | bigint;

export interface CompiledSearch {
  /** A boolean expression for a WHERE clause over `otel_traces` or `otel_logs`. */
  sql: string;
  /** `query_params` for @clickhouse/client; every user-supplied value and key is one of these. */
  params: Record<string, SearchParamValue>;
}

type ParamType = 'String' | 'UInt8' | 'UInt64' | 'Float64';

/**
 * Compiles a parsed search to a parameterised ClickHouse predicate. User text reaches ClickHouse
 * only as `{name:Type}` parameters; the SQL text is built from column names and operators that
 * live in this code. `paramPrefix` keeps these parameter names apart from the caller's own.
 *
 * Every predicate produced is non-NULL (missing map keys read as `''`, failed number parses are
 * folded to false), so `NOT x` is always the exact complement of `x`.
 */
export function compileAst(
  ast: SearchNode | null,
  target: SearchTarget,
  paramPrefix = 'p',
): CompiledSearch {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(paramPrefix)) {
    throw new TypeError(`paramPrefix must be an identifier, got '${paramPrefix}'`);
  }
  const compiler = new Compiler(target, paramPrefix);
  const sql = ast === null ? '1' : compiler.node(ast);
  return { sql, params: compiler.params };
}

interface Bound {
  op: SearchCompareOp;
  value: string;
}

class Compiler {
  readonly params: Record<string, SearchParamValue> = {};
  private count = 0;

  constructor(
    private readonly target: SearchTarget,
    private readonly prefix: string,
  ) {}

  private param(value: SearchParamValue, type: ParamType): string {
    const name = `${this.prefix}${this.count++}`;
    this.params[name] = value;
    return `{${name}:${type}}`;
  }

  node(node: SearchNode): string {
    switch (node.type) {
      case 'and':
      case 'or': {
        if (node.children.length === 0) return node.type === 'and' ? '1' : '0';
        const parts = node.children.map((child) => this.node(child));
        return parts.length === 1
          ? (parts[0] ?? '1')
          : `(${parts.join(` ${node.type.toUpperCase()} `)})`;
      }
      case 'not':
        return `NOT (${this.node(node.child)})`;
      case 'term':
        if (node.field === null) return this.freeText(likePattern([node.value], false));
        return this.term(resolveField(node.field, this.target), node.value);
      case 'wildcard':
        if (node.field === null) return this.freeText(likePattern(node.parts, false));
        return this.wildcard(resolveField(node.field, this.target), node.parts);
      case 'compare':
        return this.bounds(resolveField(node.field, this.target), [node]);
      case 'range': {
        const bounds: Bound[] = [];
        if (node.lower)
          bounds.push({ op: node.lower.inclusive ? '>=' : '>', value: node.lower.value });
        if (node.upper)
          bounds.push({ op: node.upper.inclusive ? '<=' : '<', value: node.upper.value });
        return this.bounds(resolveField(node.field, this.target), bounds);
      }
      case 'exists':
        return this.exists(resolveField(node.field, this.target));
    }
  }

  /**
   * ILIKE rather than positionCaseInsensitive: it is just as exact (UTF-8 aware), and ClickHouse
   * can answer `Body ILIKE '%word%'` from a text index (`preprocessor = lower(Body)`).
   */
  private freeText(pattern: string): string {
    const p = this.param(pattern, 'String');
    return this.target === 'logs'
      ? `Body ILIKE ${p}`
      : `(SpanName ILIKE ${p} OR StatusMessage ILIKE ${p})`;
  }

  private term(field: ResolvedField, value: string): string {
    switch (field.kind) {
      case 'keyword': {
        const normalized = field.normalize ? field.normalize(value) : value;
        return `${field.column} = ${this.param(normalized, 'String')}`;
      }
      case 'text':
        return `${field.column} ILIKE ${this.param(likePattern([value], false), 'String')}`;
      case 'duration': {
        const ns = this.duration(field, value);
        if (ns.floor !== ns.ceil) {
          throw new SearchValueError(
            field.name,
            value,
            `'${value}' is not a whole number of nanoseconds`,
          );
        }
        return `Duration = ${this.param(ns.floor, 'UInt64')}`;
      }
      case 'severity': {
        const number = parseSeverityNumber(value);
        if (number !== null) return `SeverityNumber = ${this.param(number, 'UInt8')}`;
        const level = findSeverityLevel(value);
        if (level === undefined) {
          // Not a level we know (`level:notice`): match the text as written, ignoring case.
          return `SeverityText ILIKE ${this.param(escapeLike(value), 'String')}`;
        }
        // SeverityNumber is the normalised form; only rows without it fall back to the text.
        const min = this.param(level.min, 'UInt8');
        const max = this.param(level.max, 'UInt8');
        const aliases = level.aliases.map((alias) => this.param(alias, 'String')).join(', ');
        return (
          `(SeverityNumber BETWEEN ${min} AND ${max}` +
          ` OR (SeverityNumber = 0 AND lowerUTF8(SeverityText) IN (${aliases})))`
        );
      }
      case 'attribute': {
        const key = this.param(field.key, 'String');
        const v = this.param(value, 'String');
        // A missing key reads as '', so an empty value must also require the key to be there.
        return eachMap(field, key, (expr, map) =>
          value === '' ? `(mapContains(${map}, ${key}) AND ${expr} = ${v})` : `${expr} = ${v}`,
        );
      }
    }
  }

  private wildcard(field: ResolvedField, parts: readonly string[]): string {
    switch (field.kind) {
      case 'keyword':
        return `${field.column} ILIKE ${this.param(likePattern(parts, true), 'String')}`;
      case 'text':
        return `${field.column} ILIKE ${this.param(likePattern(parts, false), 'String')}`;
      case 'severity':
        return `SeverityText ILIKE ${this.param(likePattern(parts, true), 'String')}`;
      case 'duration':
        throw new SearchFieldError(field.name, `field '${field.name}' does not support wildcards`);
      case 'attribute': {
        const key = this.param(field.key, 'String');
        const p = this.param(likePattern(parts, true), 'String');
        return eachMap(field, key, (expr) => `${expr} ILIKE ${p}`);
      }
    }
  }

  /** Comparisons and ranges: every bound must hold; no bounds (`[* TO *]`) means "has a value". */
  private bounds(field: ResolvedField, bounds: readonly Bound[]): string {
    switch (field.kind) {
      case 'duration': {
        const conditions = bounds.map(({ op, value }) => {
          const ns = this.duration(field, value);
          // Round so the comparison on whole nanoseconds stays exact: > 1.5 is >= 2, <= 1.5 is <= 1.
          const limit = op === '>' || op === '<=' ? ns.floor : ns.ceil;
          return `Duration ${op} ${this.param(limit, 'UInt64')}`;
        });
        return joinAnd(conditions);
      }
      case 'severity': {
        const conditions = bounds.map(
          ({ op, value }) =>
            `SeverityNumber ${op} ${this.param(severityLimit(field.name, op, value), 'UInt8')}`,
        );
        // SeverityNumber 0 is "unspecified", not "below trace": such rows have no order.
        return joinAnd(['SeverityNumber != 0', ...conditions]);
      }
      case 'attribute': {
        const key = this.param(field.key, 'String');
        const limits = bounds.map(({ op, value }) => {
          const number = parseNumber(value);
          if (number === null) {
            throw new SearchValueError(
              field.name,
              value,
              `'${value}' is not a number (attribute '${field.key}')`,
            );
          }
          // The client refuses integers it cannot represent exactly; ClickHouse parses the text.
          const safe = Number.isSafeInteger(number) || !Number.isInteger(number);
          return { op, p: this.param(safe ? number : String(number), 'Float64') };
        });
        return eachMap(field, key, (expr) => {
          const num = `toFloat64OrNull(${expr})`;
          if (limits.length === 0) return `isNotNull(${num})`;
          return `ifNull(${limits.map(({ op, p }) => `${num} ${op} ${p}`).join(' AND ')}, 0)`;
        });
      }
      case 'keyword':
      case 'text':
        throw new SearchFieldError(
          field.name,
          `field '${field.name}' does not support comparisons or ranges`,
        );
    }
  }

  private exists(field: ResolvedField): string {
    switch (field.kind) {
      case 'keyword':
      case 'text':
        return `${field.column} != ''`;
      case 'duration':
        return '1';
      case 'severity':
        return `(SeverityText != '' OR SeverityNumber != 0)`;
      case 'attribute':
        return eachMap(
          field,
          this.param(field.key, 'String'),
          (_expr, map, key) => `mapContains(${map}, ${key})`,
        );
    }
  }

  private duration(field: ResolvedField, value: string): { floor: bigint; ceil: bigint } {
    const ns = parseDurationNs(value);
    if (ns === null) {
      throw new SearchValueError(
        field.name,
        value,
        `'${value}' is not a duration: expected a number with an optional unit (ns, us, ms, s, m, h; default ms)`,
      );
    }
    return ns;
  }
}

/** A bound on SeverityNumber from a number or a level: `>warn` is above its top, `>=warn` from its bottom. */
function severityLimit(field: string, op: SearchCompareOp, value: string): number {
  const number = parseSeverityNumber(value);
  if (number !== null) return number;
  const level = findSeverityLevel(value);
  if (level === undefined) {
    throw new SearchValueError(
      field,
      value,
      `'${value}' is not a severity level or number (trace, debug, info, warn, error, fatal, 1-24)`,
    );
  }
  return op === '>' || op === '<=' ? level.max : level.min;
}

function joinAnd(conditions: readonly string[]): string {
  if (conditions.length === 0) return '1';
  return conditions.length === 1 ? (conditions[0] ?? '1') : `(${conditions.join(' AND ')})`;
}

/** One predicate per map the attribute may live in, ORed; `key` is the key's parameter. */
function eachMap(
  field: Extract<ResolvedField, { kind: 'attribute' }>,
  key: string,
  predicate: (expr: string, map: string, key: string) => string,
): string {
  const parts = field.maps.map((map) => predicate(`${map}[${key}]`, map, key));
  return parts.length === 1 ? (parts[0] ?? '0') : `(${parts.join(' OR ')})`;
}
