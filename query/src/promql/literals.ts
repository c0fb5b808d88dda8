import { badData } from './errors.ts';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** A Prometheus duration ("1h30m", "90s", or seconds as a number), in ms. */
export function parseDuration(text: string, at: number): number {
  const m = DURATION.exec(text);
  if (m !== null && text !== '') {
    return DURATION_UNITS.reduce((sum, u, i) => sum + Number(m[i + 1] ?? 0) * UNIT_MS[u]!, 0);
  }
  const seconds = Number(text);
  if (text.trim() !== '' && Number.isFinite(seconds)) return Math.round(seconds * 1000);
  throw badData(`parse error at char ${at}: bad duration "${text}"`);
}

/** A number literal: decimal, hexadecimal, Inf, NaN, or a duration meaning its seconds. */
export function parseNumber(text: string): number {
  const lower = text.toLowerCase().replace(/^[+-]/, '');
  const sign = text.startsWith('-') ? -1 : 1;
  if (lower === 'inf') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/.test(lower)) return sign * parseInt(lower.slice(2), 16);
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  return parseDuration(text, 1) / 1000;
}

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

const badEscape = (text: string, at: number) =>
  badData(`parse error at char ${at}: invalid escape sequence in ${text}`);

/** A string literal's value: Go's rules for "…" and '…', backquotes raw. */
export function unquote(text: string, at: number): string {
  const q = text[0];
  if (q === '`') return text.slice(1, -1);
  let out = '';
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[++i];
    if (
      e !== undefined &&
      ESCAPES[e] !== undefined &&
      (e !== "'" || q === "'") &&
      (e !== '"' || q === '"')
    ) {
      out += ESCAPES[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw badEscape(text, at + i);
      out +=
        e === 'x'
          ? String.fromCharCode(parseInt(hex, 16))
          : String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw badEscape(text, at + i);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      throw badEscape(text, at + i);
    }
  }
  return out;
}
