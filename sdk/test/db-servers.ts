import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from '../../demo/src/runner/fleet.ts';

/**
 * Real database servers from the Debian packages (scripts/setup-system.sh), each started on a
 * free port in its own temporary folder and stopped afterwards.
 */

const run = promisify(execFile);
// Generous: the machine is shared; the wait ends as soon as the server listens.
const START_TIMEOUT_MS = 60_000;

export interface DbServer {
  readonly port: number;
  stop(): Promise<void>;
}

function start(
  command: string,
  args: string[],
  dir: string,
  what: string,
  user: { uid?: number; gid?: number } = {},
): ChildProcess {
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], ...user });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => void stderr.push(chunk.toString()));
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`${what}: ${stderr.join('')}\n`);
  });
  return child;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}

function postgresBin(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error('PostgreSQL is not installed');
  return join('/usr/lib/postgresql', versions[0], 'bin', name);
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user of the package. */
async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

/** Trust authentication on 127.0.0.1 only; user and database `sightline`. */
export async function startPostgres(): Promise<DbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-pg-'));
  const user = await postgresUser();
  if (user.uid !== undefined && user.gid !== undefined) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  await run(postgresBin('initdb'), ['-D', data, '-U', 'sightline', '--auth=trust', '-E', 'UTF8'], {
    cwd: dir,
    ...user,
  });
  const port = await freePort();
  const child = start(
    postgresBin('postgres'),
    ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off'],
    dir,
    'postgres',
    user,
  );
  await waitForPort(port, child, START_TIMEOUT_MS);
  // initdb made the `postgres` database; the tests use one named after the user.
  await run(postgresBin('createdb'), [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    'sightline',
    'sightline',
  ]);
  // SIGINT is PostgreSQL's fast shutdown.
  return { port, stop: () => stopChild(child, 'SIGINT', dir) };
}

/** MariaDB with grant tables skipped: any user connects without a password; database `sightline`. */
export async function startMariadb(): Promise<DbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-mariadb-'));
  const data = join(dir, 'data');
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${data}`,
    '--user=root',
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const port = await freePort();
  const child = start(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      '--user=root',
      '--skip-grant-tables',
      '--innodb-flush-log-at-trx-commit=0',
    ],
    dir,
    'mariadbd',
  );
  await waitForPort(port, child, START_TIMEOUT_MS);
  return { port, stop: () => stopChild(child, 'SIGTERM', dir) };
}

export async function startRedis(): Promise<DbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-redis-'));
  const port = await freePort();
  const child = start(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    dir,
    'redis-server',
  );
  await waitForPort(port, child, START_TIMEOUT_MS);
  return { port, stop: () => stopChild(child, 'SIGTERM', dir) };
}
