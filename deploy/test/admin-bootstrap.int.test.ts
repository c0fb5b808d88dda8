import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSightline, type RunningSightline } from '../src/all-in-one.ts';
import { ADMIN_PASSWORD_FILE } from '../src/security.ts';
import { testConfig } from './harness.ts';

// A generated admin password never reaches the log (logs are shipped and kept): it is written
// once to a file in the data folder that only Sightline's user can read.

let s: RunningSightline;
let dataDir = '';
const logged: string[] = [];

beforeAll(async () => {
  const config = testConfig({ SIGHTLINE_AUTH: 'on' });
  dataDir = config.dataDir;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(chunk.toString());
      done();
    },
  });
  s = await startSightline(config, pino({ level: 'info' }, sink));
}, 120_000);

afterAll(async () => s?.close());

describe('a generated admin password', () => {
  it('is written to a 0600 file in the data folder, named in the log, and signs in', async () => {
    const file = join(dataDir, ADMIN_PASSWORD_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(12);

    const lines = logged.join('');
    expect(lines).toContain(file);
    expect(lines).not.toContain(password);

    const signedIn = await fetch(`${s.apiUrl}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password }),
    });
    expect(signedIn.status).toBe(200);
  });
});
