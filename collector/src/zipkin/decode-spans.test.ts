import { describe, expect, it } from 'vitest';
import type { SightlineError } from '@sightline/model/errors';
import { decodeZipkinBody, zipkinEncodingOf } from './decode-spans.ts';
import { ListOfSpans } from './zipkin-proto.ts';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('zipkin bodies', () => {
  it('picks the encoding from the content type', () => {
    expect(zipkinEncodingOf('application/json; charset=utf-8')).toBe('json');
    expect(zipkinEncodingOf(undefined)).toBe('json');
    expect(zipkinEncodingOf('application/x-protobuf')).toBe('protobuf');
    expect(() => zipkinEncodingOf('application/x-thrift')).toThrow(
      expect.objectContaining({ statusCode: 415 }) as SightlineError,
    );
  });

  it('decodes protobuf ListOfSpans into the JSON v2 shape', () => {
    const body = ListOfSpans.encode(
      ListOfSpans.fromObject({
        spans: [
          {
            traceId: hex('0123456789abcdef0123456789abcdef'),
            id: hex('00000000000000a1'),
            parentId: hex('00000000000000a0'),
            kind: 'SERVER',
            name: 'get',
            timestamp: '1700000000000001',
            duration: '250',
            localEndpoint: { serviceName: 'api', ipv4: Buffer.from([10, 0, 0, 7]), port: 80 },
            remoteEndpoint: { ipv6: hex('20010db8000000000000000000000001') },
            annotations: [{ timestamp: '1700000000000002', value: 'ws' }],
            tags: { 'http.method': 'GET' },
            shared: true,
          },
        ],
      }),
    ).finish();
    expect(decodeZipkinBody('protobuf', Buffer.from(body))).toEqual([
      {
        traceId: '0123456789abcdef0123456789abcdef',
        id: '00000000000000a1',
        parentId: '00000000000000a0',
        kind: 'SERVER',
        name: 'get',
        timestamp: 1700000000000001,
        duration: 250,
        localEndpoint: { serviceName: 'api', ipv4: '10.0.0.7', port: 80 },
        remoteEndpoint: { ipv6: '2001:db8:0:0:0:0:0:1' },
        annotations: [{ timestamp: 1700000000000002, value: 'ws' }],
        tags: { 'http.method': 'GET' },
        shared: true,
      },
    ]);
  });

  it('answers 400 for a body that is not a span list', () => {
    const bad = (enc: 'json' | 'protobuf', body: string | Buffer) => {
      try {
        decodeZipkinBody(enc, Buffer.from(body));
      } catch (err) {
        return err as SightlineError;
      }
      throw new Error('no error');
    };
    expect(bad('json', '[{"traceId":')).toMatchObject({ statusCode: 400, code: 'SL_ERR_BAD_JSON' });
    expect(bad('json', '{"traceId":"1"}').message).toBe('the body must be a JSON array of spans');
    expect(bad('protobuf', Buffer.from([0x0a, 0xff, 0x01]))).toMatchObject({
      statusCode: 400,
      code: 'SL_ERR_BAD_PROTOBUF',
    });
  });
});
