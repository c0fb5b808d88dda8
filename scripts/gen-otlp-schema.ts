import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

/**
 * Regenerates collector/src/otlp/otlp-schema.json, the protobufjs definition of the OTLP export
 * requests, from a checkout of open-telemetry/opentelemetry-proto at a release tag:
 *
 *   npx tsx scripts/gen-otlp-schema.ts <opentelemetry-proto dir> <tag>
 *
 * protobufjs parses the .proto files; only names, field numbers and types are kept (no comments).
 */
const [dir, tag] = process.argv.slice(2);
if (!dir || !tag) {
  console.error('usage: gen-otlp-schema.ts <opentelemetry-proto checkout> <release tag>');
  process.exit(2);
}
const SERVICES = ['trace', 'logs', 'metrics'].map(
  (s) => `opentelemetry/proto/collector/${s}/v1/${s === 'trace' ? 'trace' : s}_service.proto`,
);
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(dir, target);
root.loadSync(SERVICES, { keepCase: false });
root.resolveAll();

// Language-specific options (java_package, go_package…) say nothing to a decoder.
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'options' && typeof v === 'object' && v !== null) {
      const kept = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).filter(
          ([o]) => !/_(package|namespace|classname|files)$/.test(o),
        ),
      );
      if (Object.keys(kept).length > 0) out[k] = kept;
      continue;
    }
    out[k] = strip(v);
  }
  return out;
}

const out = join(import.meta.dirname, '../collector/src/otlp/otlp-schema.json');
const json = { release: tag, ...(strip(root.toJSON({ keepComments: false })) as object) };
writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
console.log(`wrote ${out} (opentelemetry-proto ${tag})`);
