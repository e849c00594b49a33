import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin HTTP load balancer in front of replicas of one server, as a deployment puts in front of
 * a subgraph's replicas (README "Scale-out"). A replica that refuses the connection (stopped, or
 * restarting) is skipped for the next one; a connection that breaks mid-request breaks the client's
 * connection too, as a TCP balancer would.
 */
export interface Balancer {
  url: string;
  /** Requests each replica answered, in the order of the replicas given. */
  readonly served: number[];
  stop(): Promise<void>;
}

export async function startBalancer(replicaUrls: string[]): Promise<Balancer> {
  const served = replicaUrls.map(() => 0);
  let next = 0;
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const first = next++ % replicaUrls.length;
    const attempt = (step: number): void => {
      if (step === replicaUrls.length) {
        res.destroy();
        return;
      }
      const index = (first + step) % replicaUrls.length;
      const target = new URL(req.url ?? '/', replicaUrls[index]);
      const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host }, agent: false }, (answer) => {
        served[index]!++;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('error', () => res.destroy());
      });
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED' && !res.headersSent) attempt(step + 1);
        else res.destroy();
      });
      upstream.end(body);
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
