/**
 * When a batch of rows is stored: the one policy of the in-process group commit and the Kafka
 * ingest consumer. A batch is cut before an item that would take it past `maxRows` or `maxBytes`
 * (an item larger than either still goes alone), and a batch that is not full waits for more at
 * most `lingerMs` after its first item arrived.
 */
export interface BatchPolicy {
  readonly maxRows: number;
  /** Bytes as received (request or message size); items whose size is unknown count 0. */
  readonly maxBytes: number;
  /** 0: store as soon as the store is free (group commit), never on a timer. */
  readonly lingerMs: number;
}

/** What a batch holds so far, or what an item adds to it. */
export interface BatchSize {
  readonly rows: number;
  readonly bytes: number;
}

export const DEFAULT_BATCH_POLICY: BatchPolicy = Object.freeze({
  maxRows: 20_000,
  maxBytes: 16 * 1024 * 1024,
  lingerMs: 0,
});

/** A checked, frozen policy: the defaults overridden by `settings`; a bad value names itself. */
export function batchPolicy(
  settings: Partial<BatchPolicy> = {},
  defaults: BatchPolicy = DEFAULT_BATCH_POLICY,
): BatchPolicy {
  const policy = { ...defaults, ...settings };
  for (const name of ['maxRows', 'maxBytes'] as const) {
    const v = policy[name];
    if (!(Number.isFinite(v) && v > 0)) {
      throw new Error(`batch ${name} must be a positive number, got ${v}`);
    }
  }
  if (!(Number.isFinite(policy.lingerMs) && policy.lingerMs >= 0)) {
    throw new Error(`batch lingerMs must be 0 or more, got ${policy.lingerMs}`);
  }
  return Object.freeze(policy);
}

/** Whether `next` must start a new batch rather than join a non-empty one holding `held`. */
export const overflows = (policy: BatchPolicy, held: BatchSize, next: BatchSize): boolean =>
  held.rows + next.rows > policy.maxRows || held.bytes + next.bytes > policy.maxBytes;

/** Whether a batch holding `held` is to be stored now, without waiting for more. */
export const isFull = (policy: BatchPolicy, held: BatchSize): boolean =>
  held.rows >= policy.maxRows || held.bytes >= policy.maxBytes;
