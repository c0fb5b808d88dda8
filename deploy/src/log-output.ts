import { pino, type DestinationStream, type Logger } from 'pino';

const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '90' },
  20: { name: 'DEBUG', colour: '36' },
  30: { name: 'INFO ', colour: '32' },
  40: { name: 'WARN ', colour: '33' },
  50: { name: 'ERROR', colour: '31' },
  60: { name: 'FATAL', colour: '1;31' },
};
/** Fields every line has, or that the short form shows in its own place. */
const SHOWN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'role']);

const two = (n: number) => String(n).padStart(2, '0');

function clock(ms: number): string {
  const d = new Date(ms);
  const millis = String(d.getMilliseconds()).padStart(3, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${millis}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (value !== null && typeof value === 'object' && 'message' in value) {
    const e = value as { type?: unknown; message?: unknown };
    return JSON.stringify(`${typeof e.type === 'string' ? `${e.type}: ` : ''}${String(e.message)}`);
  }
  return JSON.stringify(value) ?? String(value);
}

const describeMessage = (msg: unknown) => (typeof msg === 'string' ? msg : JSON.stringify(msg));

/**
 * One serialised pino line as a person reads it in a terminal: local time, coloured level, the
 * role, the message, then the other fields as key=value (an error by its type and message only).
 */
export function prettyLine(json: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = LEVELS[Number(entry.level)] ?? { name: String(entry.level), colour: '0' };
  const paint = (code: string, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const parts = [
    paint('90', clock(typeof entry.time === 'number' ? entry.time : Date.now())),
    paint(level.colour, level.name),
  ];
  if (typeof entry.role === 'string') parts.push(paint('35', `[${entry.role}]`));
  if (entry.msg !== undefined) parts.push(describeMessage(entry.msg));
  for (const [key, value] of Object.entries(entry)) {
    if (SHOWN.has(key) || value === undefined) continue;
    parts.push(`${paint('90', `${key}=`)}${describe(value)}`);
  }
  return `${parts.join(' ')}\n`;
}

/** A pino destination writing the short form of every line to `out`. */
export function prettyDestination(out: NodeJS.WritableStream, colour: boolean): DestinationStream {
  return { write: (line: string) => void out.write(prettyLine(line, colour)) };
}

/**
 * The server's logger: JSON lines (for log collectors), or the short coloured form when asked, or
 * by default when stdout is a terminal. NO_COLOR (no-color.org) keeps the short form uncoloured.
 */
export function createServerLogger(
  options: { level: string; format: 'auto' | 'pretty' | 'json' },
  out: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && out.isTTY === true);
  const base = { level: options.level, base: { service: 'sightline' } };
  // process.stdout keeps pino's own fast destination for fd 1.
  if (!pretty) return out === process.stdout ? pino(base) : pino(base, out);
  const colour = out.isTTY === true && !env.NO_COLOR;
  return pino(base, prettyDestination(out, colour));
}
