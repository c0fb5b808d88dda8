import { connect, type Socket } from 'node:net';

const sockets: Socket[] = [];

/** Ends every connection `halfSend` opened; for afterAll. */
export function closeStalledSockets(): void {
  for (const c of sockets) c.destroy();
}

/**
 * A raw HTTP/1.1 client that sends the headers of a POST announcing `length` body bytes, then
 * only `sent` of them, and waits. `ended` resolves with whatever came back once the server
 * closed the connection.
 */
export function halfSend(url: string, path: string, length: number, sent: number) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  let reply = '';
  socket.on('data', (c: Buffer) => (reply += c.toString()));
  socket.on('error', () => undefined);
  const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(reply)));
  const connected = new Promise<void>((resolve) => socket.on('connect', resolve));
  return {
    ended,
    start: async () => {
      await connected;
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n${'{'.padEnd(sent, ' ')}`,
      );
    },
  };
}
