import type { Call, Expr } from '../ast.ts';
import type { Compiled, CompileContext } from '../compile.ts';
import { badData, PromQLError } from '../errors.ts';
import { uniqueLabelsSql } from './throw-sql.ts';

type CompileArg = (e: Expr, ctx: CompileContext) => Compiled;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function stringArg(call: Call, k: number): string {
  const a = call.args[k];
  if (a?.kind !== 'StringLiteral')
    throw badData(`${call.fn}(): argument ${k + 1} must be a string`);
  return a.value;
}

/**
 * Go's regexp replacement template ($1, ${1}, $$) in RE2's for ClickHouse (\1, \\ for a
 * backslash). A named group ($name) is refused; Go reads `$1x` as the group named "1x".
 */
export function replacementTemplate(template: string): string {
  return template.replace(/\\|\$(\$|\{([^}]*)\}|([A-Za-z0-9_]+))?/g, (all, _x, braced, bare) => {
    if (all === '\\') return '\\\\';
    if (all === '$$') return '$';
    const name = (braced ?? bare) as string | undefined;
    if (name === undefined) return '$';
    if (!/^\d+$/.test(name)) {
      throw badData(
        `label_replace(): the group reference "$${name}" is not supported; use numbered groups ($1)`,
      );
    }
    return `\\${Number(name)}`;
  });
}

/** Sets label `dst` to `value` (a SQL string), or removes it when `value` is empty. */
const setLabel = (ls: string, dst: string, value: string) =>
  `if(${value} = '', mapFilter((k, v) -> k != ${dst}, ${ls}), mapUpdate(${ls}, map(${dst}, ${value})))`;

/** label_replace and label_join; undefined for other functions. */
export function labelFunction(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  if (call.fn !== 'label_replace' && call.fn !== 'label_join') return undefined;
  const p = ctx.p;
  const v = compileArg(call.args[0]!, ctx);
  const dstName = stringArg(call, 1);
  // Prometheus finds these while evaluating: execution errors, not bad_data.
  if (!LABEL_NAME.test(dstName)) {
    throw new PromQLError(
      'execution',
      `invalid destination label name in ${call.fn}(): ${dstName}`,
    );
  }
  const dst = p.add(dstName, 'String');
  let value: string;
  if (call.fn === 'label_replace') {
    const [replacement, src, regex] = [2, 3, 4].map((k) => stringArg(call, k)) as [
      string,
      string,
      string,
    ];
    const anchored = p.add(`^(?:${regex})$`, 'String');
    const source = `ls[${p.add(src, 'String')}]`;
    const replaced = `replaceRegexpOne(${source}, ${anchored}, ${p.add(replacementTemplate(replacement), 'String')})`;
    // No match: the series passes unchanged.
    value = `if(match(${source}, ${anchored}), ${replaced}, ls[${dst}])`;
  } else {
    const sep = p.add(stringArg(call, 2), 'String');
    const sources = call.args
      .slice(3)
      .map((_, k) => `ls[${p.add(stringArg(call, k + 3), 'String')}]`);
    value = `arrayStringConcat([${sources.join(', ')}]::Array(String), ${sep})`;
  }
  return {
    type: 'vector',
    sql: uniqueLabelsSql(`SELECT ${setLabel('ls', dst, value)} AS ls, i, val FROM (${v.sql})`),
  };
}
