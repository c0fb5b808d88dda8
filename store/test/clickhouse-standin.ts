import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createStoreClients } from '../src/client-factory.ts';

/**
 * A stand-in for a ClickHouse server (none can be installed on the test machine): the subset of
 * ClickHouse's HTTP interface that `@clickhouse/client` uses, in front of the embedded engine in
 * its own process. A statement comes in the `query` URL parameter (with the data in the body, as
 * the client sends inserts) or as the body; settings are URL parameters, query parameters
 * `param_<name>`; gzip both ways as the client negotiates; errors are a non-2xx status with the
 * `X-ClickHouse-Exception-Code` header and the exception text. Each request's URL, headers and
 * body size are recorded and served at GET /__requests, so a test can check what went over the
 * wire. Run as: tsx clickhouse-standin.ts <data folder>; prints `listening <port>`.
 */
const NOT_SETTINGS = new Set([
  'query',
  'database',
  'query_id',
  'session_id',
  'session_timeout',
  'default_format',
  'enable_http_compression',
  'wait_end_of_query',
  'role',
]);

interface Recorded {
  readonly url: string;
  readonly contentEncoding: string | undefined;
  readonly bodyBytes: number;
  readonly status: number;
}

const store = createStoreClients({ dataDir: process.argv[2]!, database: 'default' });
const recorded: Recorded[] = [];

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const source = req.headers['content-encoding'] === 'gzip' ? req.pipe(createGunzip()) : req;
  for await (const c of source) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://standin');
  if (url.pathname === '/ping') return void res.end('Ok.\n');
  if (url.pathname === '/__requests') return void res.end(JSON.stringify(recorded));
  const body = await bodyOf(req);
  const settings: Record<string, string> = {};
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k.startsWith('param_')) params[k.slice('param_'.length)] = v;
    else if (!NOT_SETTINGS.has(k)) settings[k] = v;
  }
  const inUrl = url.searchParams.get('query');
  const record = (status: number) =>
    recorded.push({
      url: req.url ?? '',
      contentEncoding: req.headers['content-encoding'],
      bodyBytes: body.length,
      status,
    });
  try {
    const result = await store.writer.exec({
      query: inUrl ?? body.toString('utf8'),
      ...(inUrl !== null && body.length > 0 ? { values: Readable.from([body]) } : {}),
      clickhouse_settings: settings,
      query_params: params,
      query_id: url.searchParams.get('query_id') ?? undefined,
    });
    record(200);
    const gzip =
      url.searchParams.get('enable_http_compression') === '1' &&
      /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    res.writeHead(200, {
      'content-type': 'text/plain; charset=UTF-8',
      'x-clickhouse-query-id': result.query_id,
      'x-clickhouse-summary': '{}',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    if (gzip) await pipeline(result.stream, createGzip(), res);
    else await pipeline(result.stream, res);
  } catch (err) {
    record(500);
    // A server's error text: "Code: N. DB::Exception: <message> (<NAME>) (version …)".
    const m = /^Code: (\d+)\. DB::Exception: (.*)$/s.exec((err as Error).message);
    const code = m?.[1] ?? '1002';
    const text = (m?.[2] ?? (err as Error).message).trim();
    res.writeHead(500, { 'x-clickhouse-exception-code': code });
    res.end(`Code: ${code}. DB::Exception: ${text} (UNKNOWN_EXCEPTION) (version chdb stand-in)\n`);
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    res.destroy(err as Error);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void store.close().then(() => process.exit(0));
});
