import { execFile } from 'node:child_process';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const SOURCE = fileURLToPath(new URL('./mock-broker.c', import.meta.url));
const CACHE_DIR = fileURLToPath(
  new URL('../../../node_modules/.cache/sightline/', import.meta.url),
);
const BINARY = `${CACHE_DIR}mock-broker`;
const SETUP_SCRIPT = fileURLToPath(new URL('../../../scripts/setup-system.sh', import.meta.url));
const MOCK_HEADER = '/usr/include/librdkafka/rdkafka_mock.h';

export class MockBrokerError extends Error {
  readonly code = 'SL_ERR_KAFKA_MOCK';
  override readonly name = 'MockBrokerError';
}

export function missingSystemPackages(what: string, detail = ''): MockBrokerError {
  return new MockBrokerError(
    `the Kafka mock broker cannot be built: ${what}. ` +
      `Install the system packages the tests need with ${SETUP_SCRIPT} ` +
      `(as root, or as a user who may sudo)${detail ? `\n${detail}` : ''}`,
  );
}

let building: Promise<string> | undefined;

/**
 * The path of the compiled mock broker, compiling it first when it is missing or stale.
 * Compiled once per process; concurrent test processes may each compile, harmlessly.
 */
export function mockBrokerBinary(): Promise<string> {
  building ??= buildIfStale().catch((err: unknown) => {
    // Let a later call try again, e.g. after the user ran the setup script.
    building = undefined;
    throw err;
  });
  return building;
}

async function buildIfStale(): Promise<string> {
  if (await isFresh()) return BINARY;

  if (!(await exists(MOCK_HEADER))) {
    throw missingSystemPackages(`librdkafka-dev is not installed (no ${MOCK_HEADER})`);
  }
  await mkdir(CACHE_DIR, { recursive: true });
  // Other test processes may build at the same moment: each writes its own file and renames it
  // into place, so nobody ever runs a half-written binary.
  const tmp = `${BINARY}.${process.pid}.tmp`;
  try {
    await execFileAsync('gcc', [
      '-std=c11',
      '-O2',
      '-Wall',
      '-Wextra',
      '-o',
      tmp,
      SOURCE,
      '-lrdkafka',
    ]);
    await rename(tmp, BINARY);
  } catch (err) {
    await rm(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw missingSystemPackages('gcc is not installed');
    }
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw missingSystemPackages(`gcc failed on ${SOURCE}`, stderr.trim());
  }
  return BINARY;
}

async function isFresh(): Promise<boolean> {
  const binary = await stat(BINARY).catch(() => undefined);
  if (!binary) return false;
  if (binary.mtimeMs < (await stat(SOURCE)).mtimeMs) return false;
  // An upgrade of librdkafka-dev rewrites the header (new ctime); its mock API makes no ABI
  // promise, so rebuild then. Without the header, the existing binary is the best there is.
  const header = await stat(MOCK_HEADER).catch(() => undefined);
  return !header || binary.mtimeMs >= header.ctimeMs;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
