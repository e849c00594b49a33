import type express from 'express';
import { createServerApp } from '../../shared/subgraph/http-answers.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Express apps a test mounts webhook receivers on, each on a free port; `closeAll` stops them. */
export function receiverApps() {
  const servers: Server[] = [];
  return {
    /** Mounts on a fresh app of the kit's (request ids, no X-Powered-By) listening on loopback; resolves to its base URL. */
    async serve(mount: (app: express.Express) => void): Promise<string> {
      const app = createServerApp();
      mount(app);
      const server = app.listen(0, '127.0.0.1');
      servers.push(server);
      await new Promise((resolve) => server.once('listening', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    closeAll: () => Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve)))),
  };
}
