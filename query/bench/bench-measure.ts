/** Asking each bench question through the API and as hand-written SQL, and printing the figures. */
import { RATIO_GOAL, type Case } from './bench-cases.ts';

export const WARMUPS = 2;

export const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
};

export async function time(fn: () => Promise<string>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * Each case `runs` times after the warm-ups, API and SQL alternating, as a markdown table; `only`
 * keeps the cases whose name contains it. The first answers of both are compared (digests).
 */
export async function measureCases(
  cases: readonly Case[],
  runs: number,
  only: string | undefined,
): Promise<void> {
  console.log(
    '| query | API p50 | API p95 | SQL p50 | SQL p95 | API/SQL ratio | goal | met | same answer |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---|---|---|');
  for (const c of cases) {
    if (only !== undefined && !c.name.includes(only)) continue;
    const apiDigest = await c.api(0);
    const sqlDigest = await c.sql(0);
    for (let i = 1; i < WARMUPS; i++) {
      await c.api(i);
      await c.sql(i);
    }
    const api: number[] = [];
    const sqlMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      api.push(await time(() => c.api(WARMUPS + i)));
      sqlMs.push(await time(() => c.sql(WARMUPS + i)));
    }
    const [a50, a95, s50, s95] = [
      quantile(api, 0.5),
      quantile(api, 0.95),
      quantile(sqlMs, 0.5),
      quantile(sqlMs, 0.95),
    ];
    const ratio = a50 / s50;
    const met = ratio <= RATIO_GOAL && (c.maxP50Ms === undefined || a50 <= c.maxP50Ms);
    const same =
      apiDigest === sqlDigest
        ? `yes (${apiDigest.length > 40 ? apiDigest.slice(0, 40) + '…' : apiDigest})`
        : `NO: API ${apiDigest.slice(0, 60)} / SQL ${sqlDigest.slice(0, 60)}`;
    console.log(
      `| ${c.name} | ${a50.toFixed(1)} | ${a95.toFixed(1)} | ${s50.toFixed(1)} | ${s95.toFixed(1)} | ${ratio.toFixed(2)} | ${c.goal}${c.maxP50Ms ? `, ≤ ${RATIO_GOAL}× SQL` : ''} | ${met ? 'yes' : 'no'} | ${same} |`,
    );
  }
}
