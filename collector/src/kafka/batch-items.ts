import type { RowBatch } from '@sightline/model/rows';
import { mergeBatches } from '../ingest/sink.ts';
import type { Signal } from '../otlp/proto.ts';
import type { MapLimits } from '../otlp/values.ts';
import type { OffsetRange } from './batch-plan.ts';
import { decodeMessage } from './decode-message.ts';

/** A message that cannot be stored, kept as it came for the dead-letter topic. */
export interface Poison {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly reason: string;
}

/** One fetched message as the partition batcher holds it: its rows, or why it is poison. */
export interface Item {
  readonly offset: number;
  readonly rows: number;
  readonly bytes: number;
  readonly batch: RowBatch | null;
  readonly poison: Poison | null;
}

export type PoisonItem = Item & { readonly poison: Poison };

/** The parts of a kafkajs message an item is made from. */
export interface FetchedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Decodes one message; `rejected` counts the items the mappers dropped from a decodable one. */
export function itemOf(
  signal: Signal,
  m: FetchedMessage,
  limits: MapLimits,
): { item: Item; rejected: number } {
  const offset = Number(m.offset);
  const bytes = m.value?.length ?? 0;
  const decoded = decodeMessage(signal, m.value, limits);
  return decoded.ok
    ? {
        item: { offset, rows: decoded.count, bytes, batch: decoded.rows, poison: null },
        rejected: decoded.rejected,
      }
    : {
        item: {
          offset,
          rows: 0,
          bytes,
          batch: null,
          poison: { key: m.key, value: m.value, reason: decoded.reason },
        },
        rejected: 0,
      };
}

export const poisonIn = (items: readonly Item[]): PoisonItem[] =>
  items.filter((i): i is PoisonItem => i.poison !== null);

/** A cut's rows as one batch per table, and how many rows that is. */
export function mergeRows(items: readonly Item[]): { rows: RowBatch; count: number } {
  const stored = items.filter((i): i is Item & { batch: RowBatch } => i.batch !== null);
  return {
    rows: mergeBatches(stored.map((i) => i.batch)),
    count: stored.reduce((n, i) => n + i.rows, 0),
  };
}

/**
 * The deduplication token of a batch: the same offsets give the same token, so a replayed batch
 * (re-formed from its record) is dropped by ClickHouse if it was stored before.
 */
export const batchToken = (topic: string, partition: number, range: OffsetRange): string =>
  `kafka:${topic}:${partition}:${range.first}-${range.last}`;
