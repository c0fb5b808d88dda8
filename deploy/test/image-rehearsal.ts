import { spawn } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix, relative, sep } from 'node:path';
import {
  DockerfileParser,
  JSONInstruction,
  ModifiableInstruction,
  PropertyInstruction,
  type Instruction,
} from 'dockerfile-ast';

// A Docker-less rehearsal of one Dockerfile stage: its instructions are read with dockerfile-ast and
// carried out on the host, with every absolute image path mapped under a temporary root folder.
// Whatever the stage does that this file does not understand stops the rehearsal with an error
// naming the instruction, so a change to the Dockerfile cannot slip through unrehearsed.

export interface Stage {
  readonly name: string | null;
  readonly instructions: readonly Instruction[];
}

export function parseStages(dockerfile: string): Stage[] {
  const out: { name: string | null; instructions: Instruction[] }[] = [];
  for (const i of DockerfileParser.parse(dockerfile).getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const from = DockerfileParser.parse(i.getTextContent()).getFROMs()[0];
      out.push({ name: from?.getBuildStage() ?? null, instructions: [] });
    }
    out.at(-1)?.instructions.push(i);
  }
  return out;
}

/** The stage's default value of each ARG before the first FROM (`ARG NODE_IMAGE=node:20…`). */
export function globalArgs(dockerfile: string): Record<string, string> {
  return Object.fromEntries(
    DockerfileParser.parse(dockerfile)
      .getInitialARGs()
      .flatMap((a) => a.getProperties().map((p) => [p.getName(), p.getUnescapedValue() ?? ''])),
  );
}

export interface HealthCheck {
  readonly command: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly startPeriodMs: number;
  readonly retries: number;
}

export interface StageResult {
  /** Host folder standing for the image's `/`. */
  readonly root: string;
  /** Image path of the final WORKDIR (`/app`). */
  readonly workdir: string;
  /** ENV of the stage, values as the image sees them (image paths, not host paths). */
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly volumes: readonly string[];
  readonly exposed: readonly number[];
  readonly entrypoint: readonly string[];
  readonly healthcheck: HealthCheck | undefined;
  /** Users named by `chown` in RUN lines (whose folders were handed to the rehearsal's owner). */
  readonly chownedTo: readonly string[];
  /** What was done for each instruction, in order, for the test's log. */
  readonly steps: readonly string[];
}

export interface RehearseOptions {
  readonly stage: Stage;
  /** Build context (the repository root). */
  readonly context: string;
  /** Empty host folder standing for the image's `/`. */
  readonly root: string;
  /** Who stands for the image's non-root user: `chown` in a RUN line hands folders to it. */
  readonly owner: { readonly uid: number; readonly gid: number };
  /** Host path of `path` in the finished image of stage `from` (`COPY --from=…`). */
  readonly fromStage: (from: string, path: string) => Promise<string>;
  /** Environment of RUN steps beyond the stage's ENV (PATH, HOME, network settings). */
  readonly runEnv: Readonly<Record<string, string>>;
  readonly onOutput?: (text: string) => void;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

function durationMs(raw: string | null | undefined, fallback: number): number {
  if (raw === null || raw === undefined) return fallback;
  const m = DURATION.exec(raw);
  if (!m) throw new Error(`HEALTHCHECK: cannot read the duration '${raw}'`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** Exec form (`["node", "x.mjs"]`) as is; shell form through /bin/sh, as Docker does. */
function commandOf(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return ['/bin/sh', '-c', trimmed];
}

/** Minimal .dockerignore matching: `**`, `*`, `?` and `!` exceptions, paths from the context root. */
export function dockerignore(context: string): (relPath: string) => boolean {
  const file = join(context, '.dockerignore');
  const rules = (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      const source = pattern
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) =>
          part === '**/'
            ? '(?:.*/)?'
            : part === '**'
              ? '.*'
              : part === '*'
                ? '[^/]*'
                : part === '?'
                  ? '[^/]'
                  : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return { negate, re: new RegExp(`^${source}$`) };
    });
  return (relPath) => {
    // A folder that is left out takes its contents with it.
    const parts = relPath.split(sep).join('/').split('/');
    let ignored = false;
    for (let n = 1; n <= parts.length; n++) {
      const prefix = parts.slice(0, n).join('/');
      for (const r of rules) if (r.re.test(prefix)) ignored = !r.negate;
    }
    return ignored;
  };
}

/** `RUN a && b`: each command as its words; anything needing a real shell is refused. */
function runCommands(i: Instruction): string[][] {
  const json = i instanceof JSONInstruction ? i.getJSONStrings().map((s) => s.getJSONValue()) : [];
  if (json.length > 0) return [json];
  const content = i.getArgumentsContent() ?? '';
  if (/[|;<>$`'"(){}\\]/.test(content.replaceAll('&&', ''))) {
    throw new Error(
      `RUN ${content}: shell syntax beyond '&&' is not rehearsed; extend deploy/test/image-rehearsal.ts`,
    );
  }
  return content.split('&&').map((c) => c.trim().split(/\s+/));
}

export function exec(
  command: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
  onOutput: ((text: string) => void) | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    const child = spawn(file!, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const collect = (d: Buffer) => {
      const text = d.toString();
      tail = (tail + text).slice(-4000);
      onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command.join(' ')} exited ${code ?? signal}:\n${tail}`)),
    );
  });
}

/**
 * Carries out one stage's instructions. RUN lines are interpreted command by command rather than
 * handed to a shell: `npm ci` runs for real in the WORKDIR, while `mkdir`/`chown` become the same fs
 * calls on the mapped paths — the image's `node` user does not exist on the host, and a chown to
 * the rehearsal's owner (nobody when the test runs as root) is what gives the same outcome: a data
 * folder the unprivileged server can write, in a tree it cannot.
 */
export async function rehearseStage(opts: RehearseOptions): Promise<StageResult> {
  const { root, context, owner } = opts;
  const ignored = dockerignore(context);
  const env: Record<string, string> = {};
  const volumes: string[] = [];
  const exposed: number[] = [];
  const chownedTo: string[] = [];
  const steps: string[] = [];
  let workdir = '/';
  let user: string | undefined;
  let entrypoint: string[] = [];
  let healthcheck: HealthCheck | undefined;
  const host = (imagePath: string) => join(root, posix.resolve(workdir, imagePath));

  for (const i of opts.stage.instructions) {
    const keyword = i.getKeyword();
    const args = i.getArguments().map((a) => a.getValue());
    const line = `${keyword} ${i.getArgumentsContent() ?? ''}`;
    switch (keyword) {
      case 'FROM':
      case 'ARG':
      case 'LABEL':
        // The base image is the host's Node (the test checks its major version); ARGs only pick it.
        break;
      case 'ENV':
        if (!(i instanceof PropertyInstruction)) throw new Error(`${line}: unreadable`);
        for (const p of i.getProperties()) env[p.getName()] = p.getUnescapedValue() ?? '';
        break;
      case 'WORKDIR':
        workdir = posix.resolve(workdir, args.join(' '));
        mkdirSync(host('.'), { recursive: true, mode: 0o755 });
        break;
      case 'COPY': {
        const flags = i instanceof ModifiableInstruction ? i.getFlags() : [];
        const from = flags.find((f) => f.getName() === 'from')?.getValue() ?? undefined;
        const other = flags.filter((f) => f.getName() !== 'from');
        if (other.length > 0) {
          throw new Error(`${line}: flags ${other.map(String).join(' ')} are not rehearsed`);
        }
        const sources = args.slice(0, -1);
        const dest = args.at(-1)!;
        const intoFolder = dest.endsWith('/') || sources.length > 1;
        for (const source of sources) {
          if (/[*?[]/.test(source)) throw new Error(`${line}: wildcards are not rehearsed`);
          let src: string;
          if (from !== undefined) {
            src = await opts.fromStage(from, source);
          } else {
            const rel = posix.normalize(source);
            if (rel.startsWith('..')) throw new Error(`${line}: ${source} is outside the context`);
            // Docker fails the build on a source .dockerignore leaves out of the context.
            if (rel !== '.' && ignored(rel)) {
              throw new Error(`${line}: ${source} is excluded by .dockerignore`);
            }
            src = join(context, rel);
          }
          if (!existsSync(src)) throw new Error(`${line}: ${source} does not exist`);
          const folder = statSync(src).isDirectory();
          // A folder's contents are copied, not the folder itself; a file lands in dest/ by name.
          const target = folder || !intoFolder ? host(dest) : join(host(dest), basename(src));
          cpSync(src, target, {
            recursive: true,
            filter: (path) => from !== undefined || !ignored(relative(context, path)),
          });
        }
        steps.push(`${line} → ${relative(root, host(dest)) || '/'}`);
        break;
      }
      case 'RUN':
        for (const command of runCommands(i)) {
          const [name, ...rest] = command;
          const text = command.join(' ');
          if (name === 'npm' && rest[0] === 'ci') {
            await exec(command, host('.'), { ...opts.runEnv, ...env }, opts.onOutput);
            steps.push(`RUN ${text} (in ${host('.')})`);
          } else if (name === 'npm' && rest[0] === 'cache' && rest[1] === 'clean') {
            // Only shrinks the image layer; here it would empty the machine's shared npm cache.
            steps.push(`RUN ${text}: skipped (the host's npm cache is shared)`);
          } else if (name === 'mkdir') {
            const paths = rest.filter((a) => !a.startsWith('-'));
            for (const p of paths) mkdirSync(host(p), { recursive: true, mode: 0o755 });
            steps.push(`RUN ${text} → mkdir ${paths.map(host).join(' ')}`);
          } else if (name === 'chown' && !rest.some((a) => a.startsWith('-'))) {
            const [who, ...paths] = rest;
            chownedTo.push(who!.split(':')[0]!);
            for (const p of paths) chownSync(host(p), owner.uid, owner.gid);
            steps.push(
              `RUN ${text} → chown ${owner.uid}:${owner.gid} ${paths.map(host).join(' ')}`,
            );
          } else {
            throw new Error(
              `RUN ${text}: not a command the rehearsal knows; extend deploy/test/image-rehearsal.ts`,
            );
          }
        }
        break;
      case 'VOLUME': {
        const content = (i.getArgumentsContent() ?? '').trim();
        const paths = content.startsWith('[') ? (JSON.parse(content) as string[]) : args;
        // Docker creates the mount point in the image; a fresh volume starts as a copy of it.
        for (const v of paths) mkdirSync(host(v), { recursive: true, mode: 0o755 });
        volumes.push(...paths);
        break;
      }
      case 'USER':
        user = args.join(' ');
        break;
      case 'EXPOSE':
        exposed.push(...args.map((a) => Number.parseInt(a, 10)));
        break;
      case 'HEALTHCHECK': {
        const content = i.getArgumentsContent() ?? '';
        const cmd = /\bCMD\s+([\s\S]*)$/.exec(content);
        if (!cmd) throw new Error(`${line}: no CMD`);
        const flags = i instanceof ModifiableInstruction ? i.getFlags() : [];
        const flag = (name: string) => flags.find((f) => f.getName() === name)?.getValue();
        // Docker's defaults for the flags left out.
        healthcheck = {
          command: commandOf(cmd[1]!),
          intervalMs: durationMs(flag('interval'), 30_000),
          timeoutMs: durationMs(flag('timeout'), 30_000),
          startPeriodMs: durationMs(flag('start-period'), 0),
          retries: Number(flag('retries') ?? 3),
        };
        break;
      }
      case 'ENTRYPOINT':
        entrypoint = commandOf(i.getArgumentsContent() ?? '');
        break;
      default:
        throw new Error(`${line}: not rehearsed; extend deploy/test/image-rehearsal.ts`);
    }
  }
  return {
    root,
    workdir,
    env,
    user,
    volumes,
    exposed,
    entrypoint,
    healthcheck,
    chownedTo,
    steps,
  };
}

/** The stage's WORKDIR after its last WORKDIR instruction. */
export function finalWorkdir(stage: Stage): string {
  let workdir = '/';
  for (const i of stage.instructions) {
    if (i.getKeyword() === 'WORKDIR')
      workdir = posix.resolve(workdir, i.getArgumentsContent() ?? '');
  }
  return workdir;
}

/**
 * A build stage that copies the whole context (`COPY . .`) and installs every dependency is, once
 * built, the repository checkout itself: its `npm ci` is the checkout's own install (re-running it
 * would replace the node_modules every other test uses), and its other RUN lines run in the
 * checkout, as written. Returns the host path of an image path of that stage.
 */
export async function replayInCheckout(
  stage: Stage,
  context: string,
  env: Readonly<Record<string, string>>,
  onOutput?: (text: string) => void,
): Promise<(imagePath: string) => string> {
  const copiesAll = stage.instructions.some(
    (i) => i.getKeyword() === 'COPY' && /^\.\s+\.\/?$/.test(i.getArgumentsContent() ?? ''),
  );
  if (!copiesAll) {
    throw new Error(`stage ${stage.name}: only a stage that copies the whole context is replayed`);
  }
  for (const i of stage.instructions.filter((x) => x.getKeyword() === 'RUN')) {
    for (const command of runCommands(i)) {
      if (command[0] === 'npm' && command[1] === 'ci') continue;
      await exec(command, context, env, onOutput);
    }
  }
  const workdir = finalWorkdir(stage);
  return (imagePath) => {
    const rel = posix.relative(workdir, posix.resolve(workdir, imagePath));
    if (rel.startsWith('..')) throw new Error(`${imagePath} is outside ${workdir}`);
    return join(context, rel);
  };
}
