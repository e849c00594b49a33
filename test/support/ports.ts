import { createServer, type AddressInfo } from 'node:net';

/** A loopback port where nothing listens now: for a server to start on, or, to a gateway, a stopped subgraph. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
