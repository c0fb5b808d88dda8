import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createServerLogger, prettyLine } from './log-output.ts';

function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY });
  return { stream, text: () => text };
}

describe('server log lines', () => {
  it('are short: time, level, role, message, then the other fields; errors by message', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    const line = JSON.stringify({
      level: 40,
      time,
      service: 'sightline',
      role: 'ingest',
      msg: 'insert failed',
      rows: 0,
      table: 'otel_logs',
      note: 'zürich café',
      err: { type: 'Error', message: 'disk full', stack: 'Error: disk full\n    at x' },
    });
    expect(prettyLine(line, false)).toBe(
      '03:04:05.067 WARN  [ingest] insert failed rows=0 table=otel_logs note="zürich café" err="Error: disk full"\n',
    );
    expect(prettyLine(line, true)).toContain('\x1b[33mWARN \x1b[0m');
    expect(prettyLine('not json', true)).toBe('not json\n');
  });

  it('are JSON when stdout is not a terminal or when asked, pretty on a terminal', () => {
    const pipe = sink(false);
    createServerLogger({ level: 'info', format: 'auto' }, pipe.stream, {}).info('hello');
    expect(pipe.text()).toContain('"msg":"hello"');

    const tty = sink(true);
    createServerLogger({ level: 'info', format: 'auto' }, tty.stream, {}).info('hello');
    // ESC shown as ^ so the pattern has no control characters.
    expect(tty.text().replaceAll('\x1b', '^')).toMatch(
      /^\^\[90m\d\d:\d\d:\d\d\.\d{3}\^\[0m \^\[32mINFO \^\[0m hello\n$/,
    );

    const plain = sink(true);
    createServerLogger({ level: 'info', format: 'auto' }, plain.stream, { NO_COLOR: '1' }).info(
      'hi',
    );
    expect(plain.text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}hi\n$/);

    const forced = sink(false);
    createServerLogger({ level: 'info', format: 'pretty' }, forced.stream, {}).info('hi');
    expect(forced.text()).toMatch(/INFO {2}hi\n$/);
  });
});
