import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy in front of one subgraph, for what the gateway does on the wire: it counts connections and
 * requests, hands each POSTed body (a GraphQL request) to `onPost`, and can misbehave as a subgraph might: reset a
 * kept-alive connection just as the gateway reuses it, or hold requests without answering.
 */
export interface SubgraphProxy {
  /** The subgraph's GraphQL endpoint, through the proxy. */
  url: string;
  /** Connections the gateway opened to the proxy. */
  readonly connections: number;
  /** Requests that arrived, those reset or held included. */
  readonly requests: number;
  /**
   * Resets the connection of the next request that arrives on a connection that has already carried one,
   * before answering it: what a client sees when it sends on a kept-alive socket the server has just closed.
   */
  resetNextReusedConnection(): void;
  /** Resets the connection of the next request, whichever connection it arrives on. */
  resetNextRequest(): void;
  /** Holds every request from now on without answering (a hung subgraph) until stop(). */
  hang(): void;
  stop(): Promise<void>;
}

/** `target`: the subgraph's GraphQL endpoint; other paths (`/health`) are passed on too. */
export async function startSubgraphProxy(target: string, onPost: (body: Buffer) => void = () => {}): Promise<SubgraphProxy> {
  const targetUrl = new URL(target);
  const requestsBySocket = new WeakMap<Socket, number>();
  let connections = 0;
  let requests = 0;
  let reset: 'off' | 'next reused' | 'next' = 'off';
  let hanging = false;
  const server: Server = createServer((req, res) => {
    requests += 1;
    const earlier = requestsBySocket.get(req.socket) ?? 0;
    requestsBySocket.set(req.socket, earlier + 1);
    if (reset === 'next' || (reset === 'next reused' && earlier > 0)) {
      reset = 'off';
      req.socket.resetAndDestroy();
      return;
    }
    if (hanging) return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST') onPost(body);
      const upstream = httpRequest(new URL(req.url ?? '/', targetUrl), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${targetUrl.pathname}`,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    resetNextReusedConnection() {
      reset = 'next reused';
    },
    resetNextRequest() {
      reset = 'next';
    },
    hang() {
      hanging = true;
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
