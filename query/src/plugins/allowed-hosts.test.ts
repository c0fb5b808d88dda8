import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from './errors.ts';
import { allowOnlyHosts, hostName } from './allowed-hosts.ts';

describe('Host headers', () => {
  it.each([
    ['127.0.0.1:8080', '127.0.0.1'],
    ['LocalHost', 'localhost'],
    ['[::1]:8080', '::1'],
    ['[::1]', '::1'],
    ['attacker.example:80', 'attacker.example'],
    [undefined, ''],
  ])('%s names %j', (header, name) => expect(hostName(header)).toBe(name));
});

describe('answering only our own host names', () => {
  const app = Fastify();
  registerErrorHandling(app);
  allowOnlyHosts(app, ['localhost', '127.0.0.1', '[::1]', 'sightline.example.com']);
  app.get('/api/v1/data', () => ({ secret: 'telemetry' }));

  it.each(['127.0.0.1:8080', 'localhost', '[::1]:8080', 'Sightline.Example.com:443'])(
    'answers Host %s',
    async (host) => {
      const res = await app.inject({ url: '/api/v1/data', headers: { host } });
      expect(res.statusCode).toBe(200);
    },
  );

  it('answers a re-bound domain 421, naming it, without the data', async () => {
    const res = await app.inject({
      url: '/api/v1/data',
      headers: { host: 'attacker.example:8080' },
    });
    expect(res.statusCode).toBe(421);
    expect(res.body).not.toContain('telemetry');
    expect(res.json()).toMatchObject({
      error: {
        code: 'SL_ERR_HOST_NOT_ALLOWED',
        message:
          "this Sightline does not answer to host 'attacker.example' (it answers to localhost, 127.0.0.1, ::1, sightline.example.com); add it to SIGHTLINE_ALLOWED_HOSTS if it is yours",
      },
    });
  });
});
