import protobuf from 'protobufjs';

/**
 * zipkin2's `zipkin.proto3.ListOfSpans` (openzipkin/zipkin-api, proto3/zipkin.proto), defined by
 * reflection: no maintained npm package ships a decoder for it, and the schema is small and frozen.
 */
const Kind = new protobuf.Enum('Kind', {
  SPAN_KIND_UNSPECIFIED: 0,
  CLIENT: 1,
  SERVER: 2,
  PRODUCER: 3,
  CONSUMER: 4,
});

const Endpoint = new protobuf.Type('Endpoint')
  .add(new protobuf.Field('serviceName', 1, 'string'))
  .add(new protobuf.Field('ipv4', 2, 'bytes'))
  .add(new protobuf.Field('ipv6', 3, 'bytes'))
  .add(new protobuf.Field('port', 4, 'int32'));

const Annotation = new protobuf.Type('Annotation')
  .add(new protobuf.Field('timestamp', 1, 'fixed64'))
  .add(new protobuf.Field('value', 2, 'string'));

const Span = new protobuf.Type('Span')
  .add(new protobuf.Field('traceId', 1, 'bytes'))
  .add(new protobuf.Field('parentId', 2, 'bytes'))
  .add(new protobuf.Field('id', 3, 'bytes'))
  .add(new protobuf.Field('kind', 4, 'Kind'))
  .add(new protobuf.Field('name', 5, 'string'))
  .add(new protobuf.Field('timestamp', 6, 'fixed64'))
  .add(new protobuf.Field('duration', 7, 'uint64'))
  .add(new protobuf.Field('localEndpoint', 8, 'Endpoint'))
  .add(new protobuf.Field('remoteEndpoint', 9, 'Endpoint'))
  .add(new protobuf.Field('annotations', 10, 'Annotation', 'repeated'))
  .add(new protobuf.MapField('tags', 11, 'string', 'string'))
  .add(new protobuf.Field('debug', 12, 'bool'))
  .add(new protobuf.Field('shared', 13, 'bool'));

export const ListOfSpans = new protobuf.Type('ListOfSpans').add(
  new protobuf.Field('spans', 1, 'Span', 'repeated'),
);

new protobuf.Root()
  .define('zipkin.proto3')
  .add(Kind)
  .add(Endpoint)
  .add(Annotation)
  .add(Span)
  .add(ListOfSpans);
