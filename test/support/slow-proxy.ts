import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A pass-through proxy in front of a simulator that can hold back the answer to a write after the
 * simulator has committed it: the connector times out, the provider has the object — the lost answer
 * that idempotency keys must survive. (The simulators' own latency fault delays a request before it is
 * handled and drops it when the client gives up, so nothing is committed there.)
 */
export interface SlowAnswerProxy {
  url: string;
  /** Hold back the answers of the next `count` non-GET requests by `delayMs`. */
  delayNextWrites(count: number, delayMs: number): void;
  /** Hold back the answer of every `every`-th non-GET request by `delayMs` (0 = stop). */
  delayEveryWrite(every: number, delayMs: number): void;
  /** How many answers were held back so far. */
  readonly heldBack: number;
  /** Resolves once every held-back write has been committed upstream. */
  committed(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSlowAnswerProxy(target: string): Promise<SlowAnswerProxy> {
  let held = 0;
  let delayMs = 0;
  let every = 0;
  let writes = 0;
  let heldBack = 0;
  const pending: Array<Promise<void>> = [];
  const server: Server = createServer((req, res) => {
    const write = req.method !== 'GET';
    if (write) writes++;
    const slow = write && (held > 0 || (every > 0 && writes % every === 0));
    if (slow) {
      if (held > 0) held--;
      heldBack++;
    }
    const done = (async () => {
      const body = await read(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
      ) as Record<string, string>;
      const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
      const text = Buffer.from(await answer.arrayBuffer());
      if (slow) await sleep(delayMs);
      if (res.destroyed || res.writableEnded) return;
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name)) out[name] = value;
      });
      res.writeHead(answer.status, out).end(text);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    if (slow) pending.push(done);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    delayNextWrites(count, ms) {
      held = count;
      delayMs = ms;
    },
    delayEveryWrite(n, ms) {
      every = n;
      delayMs = ms;
    },
    get heldBack() {
      return heldBack;
    },
    async committed() {
      await Promise.all(pending);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function read(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
