import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('SIGHTLINE_GRPC_PORT', () => {
  it('defaults to the OTLP/gRPC port 4317', () => {
    expect(loadConfig([], {}).grpcPort).toBe(4317);
  });

  it('takes a port, 0 for any free one, or off (the flag winning over the variable)', () => {
    expect(loadConfig([], { SIGHTLINE_GRPC_PORT: '14317' }).grpcPort).toBe(14317);
    expect(loadConfig([], { SIGHTLINE_GRPC_PORT: '0' }).grpcPort).toBe(0);
    expect(loadConfig([], { SIGHTLINE_GRPC_PORT: 'OFF' }).grpcPort).toBeNull();
    expect(loadConfig(['--grpc-port', 'off'], { SIGHTLINE_GRPC_PORT: '4317' }).grpcPort).toBeNull();
  });

  it.each(['grpc', '70000', '-1', '43.17'])('stops start-up on %s, naming the setting', (raw) => {
    expect(() => loadConfig([], { SIGHTLINE_GRPC_PORT: raw })).toThrow(
      `SIGHTLINE_GRPC_PORT: expected an integer 0–65535 or off, got '${raw}'`,
    );
  });
});
