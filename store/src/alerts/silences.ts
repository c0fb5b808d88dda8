import { qualified } from '../schema/ddl-context.ts';
import { ALERT_SILENCES_TABLE } from '../schema/alerts.ts';
import type { StoreTarget } from './target.ts';
import { nextVersion } from './versions.ts';

/** A silence as stored; times in epoch ms ('' rule id: matchers only). */
export interface SilenceRecord {
  readonly id: string;
  readonly ruleId: string;
  readonly matchers: Readonly<Record<string, string>>;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly comment: string;
}

interface SilenceRow {
  id: string;
  rule_id: string;
  matchers: Record<string, string>;
  starts_at: string;
  ends_at: string;
  comment: string;
}

const toRecord = (r: SilenceRow): SilenceRecord => ({
  id: r.id,
  ruleId: r.rule_id,
  matchers: r.matchers,
  startsAtMs: Number(r.starts_at),
  endsAtMs: Number(r.ends_at),
  comment: r.comment,
});

async function selectSilences(t: StoreTarget, where: string, id?: string) {
  const rs = await t.reader.query({
    query: `SELECT id, rule_id, matchers, toUnixTimestamp64Milli(starts_at) AS starts_at,
        toUnixTimestamp64Milli(ends_at) AS ends_at, comment
      FROM ${qualified(t, ALERT_SILENCES_TABLE)} FINAL WHERE ${where}`,
    query_params: id !== undefined ? { id } : {},
    format: 'JSONEachRow',
  });
  return (await rs.json<SilenceRow>()).map(toRecord);
}

/** Every silence not deleted, latest end first. */
export const listSilenceRecords = (t: StoreTarget): Promise<SilenceRecord[]> =>
  selectSilences(t, 'deleted = 0 ORDER BY ends_at DESC');

/** The silence with this id unless deleted. */
export async function findSilence(t: StoreTarget, id: string): Promise<SilenceRecord | undefined> {
  const [row] = await selectSilences(t, 'id = {id:String} AND deleted = 0', id);
  return row;
}

/** Stores the silence as its id's newest version (`deleted`: ended, kept for the record). */
export async function writeSilence(
  t: StoreTarget,
  s: SilenceRecord,
  deleted: boolean,
): Promise<void> {
  await t.writer.insert({
    table: qualified(t, ALERT_SILENCES_TABLE),
    values: [
      {
        id: s.id,
        rule_id: s.ruleId,
        matchers: s.matchers,
        starts_at: s.startsAtMs,
        ends_at: s.endsAtMs,
        comment: s.comment,
        version: nextVersion(),
        deleted: deleted ? 1 : 0,
      },
    ],
    format: 'JSONEachRow',
  });
}
