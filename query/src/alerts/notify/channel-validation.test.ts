import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { AlertChannelSchema } from '@sightline/model/api/alert-channels';

// What an API client sees: fastify's validator on a body holding channels, as rule routes do.
async function post(channels: object[]): Promise<{ status: number; body: unknown }> {
  const app = Fastify();
  app.post(
    '/rules',
    { schema: { body: Type.Object({ channels: Type.Array(AlertChannelSchema) }) } },
    (req) => req.body,
  );
  const res = await app.inject({ method: 'POST', url: '/rules', payload: { channels } });
  await app.close();
  return { status: res.statusCode, body: res.json() };
}

describe('channels in a request body', () => {
  it('pass through unchanged when valid', async () => {
    const channels = [
      { kind: 'email', to: ['oncall@example.com'] },
      { kind: 'webhook', url: 'https://h.example/in', headers: { authorization: 'Bearer t' } },
      { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/C' },
    ];
    expect(await post(channels)).toEqual({ status: 200, body: { channels } });
  });

  it('are refused with a 400 naming the field at fault', async () => {
    const badUrl = await post([{ kind: 'webhook', url: 'ftp://h.example/in' }]);
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toMatchObject({
      message: expect.stringContaining('body/channels/0/url must match pattern') as unknown,
    });

    const badAddress = await post([
      { kind: 'slack', url: 'https://h/x' },
      { kind: 'email', to: ['oncall'] },
    ]);
    expect(badAddress.status).toBe(400);
    expect(badAddress.body).toMatchObject({
      message: expect.stringContaining('body/channels/1/to/0 must match pattern') as unknown,
    });
  });
});
