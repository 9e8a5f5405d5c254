import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
}

export interface KeepAliveExchange {
  /** The answer to the first request; undefined when the connection closed before one arrived. */
  first: RawResponse | undefined;
  /** What became of the second request on the same connection within `waitMs`. */
  second: 'answered' | 'closed' | 'hung';
}

/**
 * Two requests on one keep-alive connection, written byte for byte on a raw socket (no client
 * library to reconnect or to time out for us): `first` (+ `firstBody`), then, once the first answer
 * is in (or at once, if the connection closed), `second`. Reports whether the second was answered
 * or the connection closed within `waitMs`, or neither.
 */
export function keepAliveExchange(
  baseUrl: string,
  options: { first: string; firstBody?: Buffer; second: string; waitMs: number },
): Promise<KeepAliveExchange> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let first: RawResponse | undefined;
    let firstEnd = -1;
    let sentSecond = false;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (second: KeepAliveExchange['second']) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ first, second });
    };
    const sendSecond = () => {
      if (sentSecond) return;
      sentSecond = true;
      timer = setTimeout(() => finish('hung'), options.waitMs);
      if (closed) finish('closed');
      else socket.write(options.second);
    };
    const parse = () => {
      if (!first) {
        const parsed = parseResponse(received, 0);
        if (!parsed) return;
        first = parsed.response;
        firstEnd = parsed.end;
        sendSecond();
      }
      if (firstEnd >= 0 && parseResponse(received, firstEnd)) finish('answered');
    };

    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      parse();
    });
    // A reset or a write after the server closed: the connection is gone, which is an answer too.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      if (sentSecond) finish('closed');
      else sendSecond();
    });
    socket.write(options.first);
    if (options.firstBody) socket.write(options.firstBody);
  });
}

/** One complete HTTP/1.1 response at `offset` (with a Content-Length body), or undefined if not all in yet. */
function parseResponse(data: Buffer, offset: number): { response: RawResponse; end: number } | undefined {
  const headEnd = data.indexOf('\r\n\r\n', offset);
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...lines] = data.subarray(offset, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const end = headEnd + 4 + Number(headers['content-length'] ?? 0);
  if (data.length < end) return undefined;
  return { response: { status, headers }, end };
}
