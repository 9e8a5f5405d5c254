import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowServer {
  url: string;
  /** Requests answered so far. */
  answered(): number;
  close(): Promise<void>;
}

/**
 * A server with one "core": requests are served one at a time, each taking `serviceMs`, in arrival
 * order. Its capacity is exactly 1000 / serviceMs requests per second; above that a queue builds.
 */
export async function startSlowServer(serviceMs: number): Promise<SlowServer> {
  let busyUntil = 0;
  let answered = 0;
  const server: Server = createServer((_request, response) => {
    const now = performance.now();
    const start = Math.max(now, busyUntil);
    busyUntil = start + serviceMs;
    setTimeout(() => {
      answered += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }, busyUntil - now);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered: () => answered,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
