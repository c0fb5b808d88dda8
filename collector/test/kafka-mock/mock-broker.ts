import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MockBrokerError, missingSystemPackages, mockBrokerBinary } from './build-mock-broker.ts';

/**
 * A Kafka broker for tests: librdkafka's mock cluster in a child process (see mock-broker.c).
 * It speaks the real protocol but is not a full Kafka, and tests must respect its limits:
 * - no CreateTopics or other admin APIs: create every topic here; no idempotent or
 *   transactional producers;
 * - each partition keeps only its newest ~5 MiB / 100k batches, silently dropping older ones;
 * - one Fetch returns one produced batch per partition: send hundreds of messages per call;
 * - an empty Fetch waits its whole max wait: give consumers `maxWaitTimeInMs: 100`;
 * - a new group's first join takes ~3 s; a member joining or leaving a formed group makes it
 *   wait `sessionTimeout` − 1 s before re-forming (29 s with kafkajs' default): use a small
 *   `sessionTimeout` where members come and go;
 * - offset commits are refused during a rebalance; in groups of two or more, a follower whose
 *   SyncGroup arrives after the leader's fails: use `createDelayedRoundRobinAssigner()`.
 */
export interface MockBrokerOptions {
  /** Topic name → partition count. */
  topics: Record<string, number>;
  /** Brokers in the cluster (default 1); partition leaders are spread over them. */
  brokerCount?: number;
  /** How long the started program may take to report ready, in ms (default 10 000). */
  startTimeoutMs?: number;
}

export interface MockBroker {
  /** `host:port` of every broker, as kafkajs' `brokers` option wants them. */
  readonly brokers: string[];
  /** The broker program's process id (benchmarks read its CPU time from /proc). */
  readonly pid: number | undefined;
  /** Closes every client connection and refuses new ones until setUp(); data is kept. */
  setDown(): Promise<void>;
  /** Accepts connections again; clients reconnect on their own. */
  setUp(): Promise<void>;
  /** Kills the broker and waits for it to exit; calling it again does nothing. */
  stop(): Promise<void>;
}

const COMMAND_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 5_000;
const STDERR_KEPT = 4_096;

/** Starts a mock Kafka cluster with the given topics; call stop() when done with it. */
export async function startMockBroker(options: MockBrokerOptions): Promise<MockBroker> {
  const args = brokerArgs(options);
  const binary = await mockBrokerBinary();

  // stdin carries commands and stdout their replies; a dying parent takes the child along
  // (PR_SET_PDEATHSIG in the C program), so a crashed test run leaves no broker behind.
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
  });
  let spawnError: Error | undefined;
  // A program that could not be started reports 'error' and may never report 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnError = err;
      resolve();
    });
  });
  // Writing to a broker that just died raises EPIPE here; the pending reply reports it instead.
  child.stdin.on('error', () => {});

  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const describeExit = (): string =>
    spawnError
      ? `could not be started: ${spawnError.message}`
      : `exited (${child.signalCode ?? `code ${String(child.exitCode)}`})` +
        (stderr.trim() ? `:\n${stderr.trim()}` : '');

  async function nextLine(what: string, timeoutMs: number): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const next = await Promise.race([lines.next(), timeout]);
      if (next === 'timeout') {
        // The late reply would be taken for the next command's: this broker cannot be trusted.
        await stop();
        throw new MockBrokerError(
          `the Kafka mock broker did not answer ${what} in ${timeoutMs} ms`,
        );
      }
      if (next.done) {
        await exited;
        throw new MockBrokerError(`the Kafka mock broker ${describeExit()}`);
      }
      return next.value;
    } finally {
      clearTimeout(timer);
    }
  }

  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(killer);
      }
      child.stdin.destroy();
    })();
    return stopping;
  }

  let brokers: string[];
  try {
    const ready = await nextLine('at start-up', options.startTimeoutMs ?? 10_000);
    brokers = ready.split(',');
    if (!brokers.every((b) => /^[^\s:]+:\d+$/.test(b))) {
      throw new MockBrokerError(`the Kafka mock broker printed '${ready}', not its brokers`);
    }
  } catch (err) {
    await stop();
    // A binary built before librdkafka was removed cannot load it.
    if (/error while loading shared libraries/.test(stderr)) {
      throw missingSystemPackages('librdkafka is not installed', stderr.trim());
    }
    throw err;
  }

  // One command at a time, so each reply is matched to its own command.
  let queue: Promise<unknown> = Promise.resolve();
  function command(name: 'down' | 'up'): Promise<void> {
    const run = async (): Promise<void> => {
      if (stopping) throw new MockBrokerError(`'${name}' sent to a stopped Kafka mock broker`);
      child.stdin.write(`${name}\n`);
      const reply = await nextLine(`'${name}'`, COMMAND_TIMEOUT_MS);
      if (reply !== `ok ${name}`) {
        throw new MockBrokerError(`the Kafka mock broker refused '${name}': ${reply}`);
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => {});
    return result;
  }

  return Object.freeze({
    brokers,
    pid: child.pid,
    setDown: () => command('down'),
    setUp: () => command('up'),
    stop,
  });
}

function brokerArgs({ topics, brokerCount = 1 }: MockBrokerOptions): string[] {
  if (!Number.isInteger(brokerCount) || brokerCount < 1) {
    throw new MockBrokerError(`brokerCount must be a positive integer, got ${brokerCount}`);
  }
  const args = ['--brokers', String(brokerCount)];
  for (const [name, partitions] of Object.entries(topics)) {
    // Kafka's own rule for topic names; it also keeps the C program's "name:count" parsing simple.
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name)) {
      throw new MockBrokerError(`topic name '${name}' is not a valid Kafka topic name`);
    }
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new MockBrokerError(
        `topic '${name}' wants a positive partition count, got ${partitions}`,
      );
    }
    args.push('--topic', `${name}:${partitions}`);
  }
  return args;
}
