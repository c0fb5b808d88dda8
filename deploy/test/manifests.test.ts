import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { checkRoles } from '../src/start-roles.ts';

// No Docker engine or Kubernetes cluster here: the images, the compose file and the manifests are
// checked statically — parsed, validated against the published schemas, and cross-checked with
// the code they run (every environment they set must pass Sightline's own configuration parser).

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Stage {
  readonly name: string | null;
  readonly instructions: Instruction[];
}

function stages(path: string): Stage[] {
  const out: { name: string | null; instructions: Instruction[] }[] = [];
  for (const i of DockerfileParser.parse(read(path)).getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const from = DockerfileParser.parse(i.getTextContent()).getFROMs()[0];
      out.push({ name: from?.getBuildStage() ?? null, instructions: [] });
    }
    out.at(-1)?.instructions.push(i);
  }
  return out;
}

const args = (i: Instruction) => i.getArgumentsContent() ?? '';
/** The instruction as written, flags included (getArgumentsContent leaves flags out). */
const text = (i: Instruction) => i.getTextContent().replace(/^\w+\s+/, '');
const of = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.getKeyword() === keyword).map(args);

/** Source paths of the COPY instructions that copy from the build context. */
function contextCopies(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.getKeyword() === 'COPY' && !text(i).includes('--from='))
    .flatMap((i) => {
      const parts = args(i).split(/\s+/);
      return parts.slice(0, -1).filter((p) => !p.startsWith('--'));
    });
}

const WORKSPACES = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;

describe('server Dockerfile', () => {
  const all = stages('deploy/docker/Dockerfile');
  const final = all.at(-1)!;

  it('builds in one stage and runs from a smaller one', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'runtime']);
    const build = all[0]!;
    expect(of(build, 'RUN')).toContain('npm ci --no-audit --no-fund');
    expect(of(build, 'RUN')).toContain('npx tsx dashboard/scripts/build.ts');
    expect(of(final, 'RUN').some((r) => r.startsWith('npm ci --omit=dev'))).toBe(true);
    const copies = final.instructions.filter((i) => i.getKeyword() === 'COPY').map(text);
    expect(copies).toContain('--from=build /app/dashboard/dist dashboard/dist');
    // No build tooling or dashboard sources in the runtime image.
    expect(contextCopies(final)).not.toContain('dashboard/src');
  });

  it('runs as a non-root user with a health check on /health', () => {
    const users = of(final, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const [healthcheck] = final.instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK');
    expect(args(healthcheck!)).toMatch(/CMD \["node", "deploy\/docker\/healthcheck\.mjs"\]/);
    const check = read('deploy/docker/healthcheck.mjs');
    expect(check).toContain('/api/v1/health`');
    expect(check).toContain('${otlp}/health`');
    expect(of(final, 'ENTRYPOINT')).toEqual([
      '["node", "--import", "tsx", "deploy/src/sightline.ts"]',
    ]);
    expect(of(final, 'EXPOSE')).toEqual(['4318 8080']);
  });

  it('copies every workspace manifest before npm ci and only files that exist', () => {
    for (const stage of all) {
      const copies = contextCopies(stage);
      for (const w of WORKSPACES) expect(copies, stage.name!).toContain(`${w}/package.json`);
      for (const path of copies) expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
  });

  it('keeps node_modules and local data out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', '**/dist', 'data', '.git']) {
      expect(ignored).toContain(pattern);
    }
  });
});

describe('demo Dockerfile', () => {
  const all = stages('deploy/docker/demo.Dockerfile');
  it('installs production dependencies only, runs the demo as a non-root user', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const final = all.at(-1)!;
    expect(of(all[0]!, 'RUN').some((r) => r.startsWith('npm ci --omit=dev'))).toBe(true);
    expect(of(final, 'USER')).toEqual(['node']);
    expect(of(final, 'ENTRYPOINT')).toEqual([
      '["node", "--import", "tsx", "demo/src/run-demo.ts"]',
    ]);
    for (const stage of all) {
      for (const path of contextCopies(stage))
        expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
  });
});

/** Compose's own interpolation, enough for this file: defaults and required variables. */
function interpolate(value: string): string {
  return value
    .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
    .replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'set-by-operator')
    .replaceAll('$$', '$');
}

/** The Compose Specification's JSON schema, as shipped by the dclint package. */
function composeValidator() {
  const { $schema: draft, ...schema } = JSON.parse(
    read('node_modules/dclint/schemas/compose.schema.json'),
  ) as { $schema: string; title: string };
  expect(schema.title).toBe('Compose Specification');
  // Draft-07 under its https:// URI, which Ajv (draft-07 by default) knows by its http:// one.
  expect(draft).toMatch(/draft-07/);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('docker compose file', () => {
  const text = read('deploy/compose/docker-compose.yml');
  const compose = parse(text, { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
  };
  const validate = composeValidator();

  it('is valid against the Compose Specification schema', () => {
    // Compose resolves YAML anchors and merge keys (<<) before it checks the schema; so does this.
    expect(validate(compose), JSON.stringify(validate.errors, null, 1)).toBe(true);
    // The check is real: a misspelt key is reported.
    expect(validate({ ...compose, servics: {} })).toBe(false);
  });

  it('runs Kafka, a ClickHouse server, receive ×2, ingest and query, each with a config Sightline accepts', () => {
    const { services } = compose;
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['kafka', 'clickhouse', 'receive', 'ingest', 'query']),
    );
    expect(services.receive!.deploy).toEqual({ replicas: 2 });
    const roles: Record<string, string> = {};
    for (const name of ['receive', 'ingest', 'query']) {
      const env = Object.fromEntries(
        Object.entries(services[name]!.environment as Record<string, string>).map(([k, v]) => [
          k,
          interpolate(String(v)),
        ]),
      );
      const config = loadConfig([], env);
      // The start-up checks too: listening on 0.0.0.0 needs authentication, and so on.
      expect(() => checkRoles(config), name).not.toThrow();
      expect(config.kafka.brokers).toEqual(['kafka:9092']);
      expect(config.clickhouseUrl).toMatch(/^http:\/\/sightline:.*@clickhouse:8123$/);
      roles[name] = [...config.roles].join(',');
    }
    expect(roles).toEqual({ receive: 'receive', ingest: 'ingest', query: 'query,alerting' });
    const build = services.receive!.build as { dockerfile: string };
    expect(existsSync(join(ROOT, build.dockerfile))).toBe(true);
  });

  it('creates at least as many span partitions as ingest replicas', () => {
    const { services } = compose;
    const command = (services['kafka-topics']!.command as string[]).join('\n');
    const partitions = Number(/otlp_spans:(\d+)/.exec(command)?.[1]);
    expect(partitions).toBeGreaterThanOrEqual(
      (services.ingest!.deploy as { replicas: number }).replicas,
    );
  });
});

type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
};

function validateManifest(m: Manifest): void {
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  if (!Model) throw new Error(`no schema for ${m.apiVersion} ${m.kind}`);
  new Model(m as never).validate();
}

const K8S = join(ROOT, 'deploy/k8s');
const manifests: Manifest[] = readdirSync(K8S)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(K8S, f), 'utf8')).map((d) => d.toJS() as Manifest),
  );
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);

interface Container {
  name: string;
  env?: { name: string; value: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}
interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
}
const spec = <T>(m: Manifest) => m.spec as T;

const quantity = (q: string): number => {
  const m = /^(\d+(?:\.\d+)?)(m|Mi|Gi)?$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  const n = Number(m[1]);
  return m[2] === 'm' ? n / 1000 : m[2] === 'Mi' ? n * 2 ** 20 : m[2] === 'Gi' ? n * 2 ** 30 : n;
};

describe('Kubernetes manifests', () => {
  it('are valid against the Kubernetes OpenAPI schemas', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(9);
    for (const m of manifests) {
      expect(() => validateManifest(m), `${m.kind} ${m.metadata.name}`).not.toThrow();
    }
    // The check is real: a wrong type or a missing required field is reported.
    const deployment = byKind('Deployment')[0]!;
    expect(() =>
      validateManifest({ ...deployment, spec: { ...spec<object>(deployment), replicas: 'two' } }),
    ).toThrow(/replicas must be integer/);
    expect(() => validateManifest({ ...deployment, spec: { replicas: 1 } })).toThrow(
      /required property/,
    );
  });

  it('run receive, ingest and query with a configuration Sightline accepts', () => {
    const configMap = byKind('ConfigMap')[0]!.data as Record<string, string>;
    // The secret is a template: filled in as its comment asks, with a password Sightline accepts.
    const template = byKind('Secret')[0]!.stringData as Record<string, string>;
    const secret = Object.fromEntries(
      Object.entries(template).map(([k, v]) => [
        k,
        v.replaceAll('CHANGE-ME', 'filled-in passphrase 7'),
      ]),
    );
    const roles: Record<string, string> = {};
    for (const d of byKind('Deployment')) {
      const [c] = spec<DeploymentSpec>(d).template.spec.containers;
      for (const from of c!.envFrom ?? []) {
        const ref = from.configMapRef ?? from.secretRef;
        const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
        expect(byKind(kind).map((m) => m.metadata.name)).toContain(ref!.name);
      }
      const env = {
        ...configMap,
        ...secret,
        ...Object.fromEntries((c!.env ?? []).map((e) => [e.name, e.value])),
      };
      const config = loadConfig([], env);
      expect(() => checkRoles(config), d.metadata.name).not.toThrow();
      expect(config.clickhouseCluster).toBe('sightline');
      expect(config.kafka.brokers.length).toBeGreaterThan(0);
      roles[d.metadata.name] = [...config.roles].join(',');
    }
    // Left unfilled, the template's password is refused at start, naming the setting.
    expect(() => loadConfig([], { ...configMap, ...template })).toThrow(
      /^SIGHTLINE_ADMIN_PASSWORD: the password is too weak/,
    );
    expect(roles).toEqual({
      'sightline-ingest': 'ingest',
      'sightline-query': 'query,alerting',
      'sightline-receive': 'receive',
    });
  });

  it('probe readiness on /ready and liveness on the health route through declared ports, with sized resources', () => {
    // The query role's health route lives under the API prefix; the others answer on /health.
    const liveness: Record<string, string> = {
      'sightline-receive': '/health',
      'sightline-ingest': '/health',
      'sightline-query': '/api/v1/health',
    };
    for (const d of byKind('Deployment')) {
      const s = spec<DeploymentSpec>(d);
      expect(s.template.metadata.labels).toMatchObject(s.selector.matchLabels);
      for (const c of s.template.spec.containers) {
        const ports = c.ports.map((p) => p.name);
        expect(c.readinessProbe.httpGet.path, d.metadata.name).toBe('/ready');
        expect(c.livenessProbe.httpGet.path, d.metadata.name).toBe(liveness[d.metadata.name]);
        expect(ports).toContain(c.readinessProbe.httpGet.port);
        expect(ports).toContain(c.livenessProbe.httpGet.port);
        for (const r of ['cpu', 'memory']) {
          expect(quantity(c.resources.requests[r]!)).toBeLessThanOrEqual(
            quantity(c.resources.limits[r]!),
          );
        }
      }
    }
  });

  it('wire services, the autoscaler and the ingress to pods and ports that exist', () => {
    const deployments = byKind('Deployment');
    const podsOf = (selector: Record<string, string>) =>
      deployments.filter((d) =>
        Object.entries(selector).every(
          ([k, v]) => spec<DeploymentSpec>(d).template.metadata.labels[k] === v,
        ),
      );
    for (const svc of byKind('Service')) {
      const s = spec<{ selector: Record<string, string>; ports: { targetPort: string }[] }>(svc);
      const [pod, ...more] = podsOf(s.selector);
      expect(pod, svc.metadata.name).toBeDefined();
      expect(more).toEqual([]);
      const names = spec<DeploymentSpec>(pod!).template.spec.containers.flatMap((c) =>
        c.ports.map((p) => p.name),
      );
      for (const p of s.ports) expect(names).toContain(p.targetPort);
    }
    const [hpa] = byKind('HorizontalPodAutoscaler');
    const target = spec<{ scaleTargetRef: { kind: string; name: string } }>(hpa!).scaleTargetRef;
    expect(target.kind).toBe('Deployment');
    expect(deployments.map((d) => d.metadata.name)).toContain(target.name);
    expect(target.name).toBe('sightline-receive');
    const [ingress] = byKind('Ingress');
    const backend = spec<{
      rules: {
        http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] };
      }[];
    }>(ingress!).rules[0]!.http.paths[0]!.backend.service;
    const service = byKind('Service').find((s) => s.metadata.name === backend.name);
    expect(service).toBeDefined();
    expect(spec<{ ports: { name: string }[] }>(service!).ports.map((p) => p.name)).toContain(
      backend.port.name,
    );
    for (const m of manifests) {
      if (m.kind !== 'Namespace') expect(m.metadata.namespace, m.kind).toBe('sightline');
    }
  });
});
