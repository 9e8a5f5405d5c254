import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface ScriptedServer {
  url: string;
  /** Every request received, in order. */
  requests: { method: string; url: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

/**
 * A plain HTTP server that answers from a script. It stands in for a failing server or proxy:
 * the real Aperture server cannot be made to answer 503 on demand.
 */
export async function startScriptedServer(
  answer: (request: IncomingMessage, index: number) => ScriptedAnswer,
): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const index = requests.length;
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
      });
      const { status, body, headers = {} } = answer(request, index);
      response.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A batched tRPC success answer with one result. */
export function trpcData(data: unknown): ScriptedAnswer {
  return { status: 200, headers: JSON_HEADERS, body: JSON.stringify([{ result: { data } }]) };
}

/** A batched tRPC error answer in Aperture's shape. */
export function trpcError(
  status: number,
  appCode: string,
  message: string,
  extra: Record<string, unknown> = {},
): ScriptedAnswer {
  const error = {
    message,
    code: -32603,
    data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: status, path: 'accounts.me', appCode, ...extra },
  };
  return { status, headers: JSON_HEADERS, body: JSON.stringify([{ error }]) };
}

export const plain503: ScriptedAnswer = {
  status: 503,
  headers: { 'content-type': 'text/plain' },
  body: 'Service Unavailable',
};
