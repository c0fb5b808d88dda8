/**
 * Replays one failing OTLP fuzz case against a fresh in-process Sightline:
 * `npx tsx deploy/test/fuzz/replay-case.ts /tmp/sightline-fuzz-fail-…/case-12.bin`
 * (the test writes each failing body with a .json of its signal and headers beside it).
 */
import { readFileSync } from 'node:fs';
import { startTestSightline } from '../harness.ts';

interface CaseMeta {
  signal: string;
  headers: Record<string, string>;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: replay-case.ts <case-N.bin>\n');
  process.exit(2);
}
const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as CaseMeta;
const s = await startTestSightline();
const started = Date.now();
try {
  const res = await fetch(`${s.otlpUrl}/v1/${meta.signal}`, {
    method: 'POST',
    headers: meta.headers,
    body: readFileSync(file),
  });
  const text = (await res.text()).slice(0, 500);
  process.stdout.write(`${res.status} after ${Date.now() - started} ms: ${text}\n`);
} catch (err) {
  process.stdout.write(`no answer after ${Date.now() - started} ms: ${String(err)}\n`);
} finally {
  await s.close();
}
