/**
 * Where a pg-loop child's CPU time went, from the V8 profiles `PG_BENCH_PROFILE=<folder> npm run
 * bench sdk-pg` writes: each sample from the first query on is charged to the innermost frame with
 * a known owner (Node internals and GC go to the owner that called them), as µs per query.
 *
 *   npx tsx sdk/bench/cpu-profile-summary.ts <folder> [queries per profile]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Owners, most specific first; a frame matching none (Node, the app, the loop) has no owner. */
const OWNERS: [string, RegExp][] = [
  ['Sightline SDK', /\/sdk\/(dist|src)\//],
  ['OTLP exporter + protobuf', /exporter-|otlp-|protobufjs/],
  ['instrumentation-pg', /instrumentation-pg\//],
  ['instrumentation base (shimmer, hooks)', /\/instrumentation\/|shimmer|in-the-middle/],
  ['OTel SDK: spans, processors, context', /@opentelemetry\/(sdk-|core|api|context-|resources)/],
  ['pg client', /\/node_modules\/pg(-[a-z]+)?\//],
];

function ownerOf(frame: CallFrame): string | undefined {
  return OWNERS.find(([, re]) => re.test(frame.url))?.[0];
}

export function summarise(profile: CpuProfile): {
  totals: Map<string, number>;
  sightline: Map<string, number>;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes)
    for (const c of n.children ?? []) {
      const child = byId.get(c);
      if (child) child.parent = n.id;
    }
  const charged = new Map<number, { owner: string; fn: string }>();
  const chargeOf = (id: number): { owner: string; fn: string } => {
    const known = charged.get(id);
    if (known) return known;
    let n = byId.get(id);
    let result = { owner: 'app, Node and pg I/O (unowned)', fn: '' };
    while (n) {
      const owner = ownerOf(n.callFrame);
      if (owner) {
        result = {
          owner,
          fn: `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-1)[0]}`,
        };
        break;
      }
      n = n.parent === undefined ? undefined : byId.get(n.parent);
    }
    charged.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  const sightline = new Map<string, number>();
  // From the first sample inside pg: the start-up (tsx, module loading) is not per query.
  const first = profile.samples.findIndex((id) => chargeOf(id).owner === 'pg client');
  profile.samples.forEach((id, i) => {
    if (i < first) return;
    const us = profile.timeDeltas[i] ?? 0;
    const label = byId.get(id)?.callFrame.functionName;
    const { owner, fn } = chargeOf(id);
    const key = label === '(idle)' ? 'idle (waiting for PostgreSQL)' : owner;
    totals.set(key, (totals.get(key) ?? 0) + us);
    if (owner === 'Sightline SDK') sightline.set(fn, (sightline.get(fn) ?? 0) + us);
  });
  return { totals, sightline };
}

if (process.argv[1]?.endsWith('cpu-profile-summary.ts')) {
  const folder = process.argv[2] ?? '.';
  const queries = Number(process.argv[3] ?? 3000) + 500; // the loop's 500 warm-up queries count too
  for (const file of readdirSync(folder)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()) {
    const { totals, sightline } = summarise(
      JSON.parse(readFileSync(join(folder, file), 'utf8')) as CpuProfile,
    );
    console.log(`\n${file}: µs per query`);
    for (const [k, us] of [...totals].sort((a, b) => b[1] - a[1]))
      console.log(`  ${(us / queries).toFixed(1).padStart(7)}  ${k}`);
    for (const [k, us] of [...sightline].sort((a, b) => b[1] - a[1]).slice(0, 8))
      console.log(`           ${(us / queries).toFixed(2).padStart(6)}  Sightline: ${k}`);
  }
}
