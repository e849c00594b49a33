import type { AccessConfig } from '../config.js';
import { playgroundRoutes } from '../playground/index.js';
import { accessIsOpen, credentialsHint, playgroundHeaders } from './access.js';
import type { GatewayPlugin } from './plugin.js';

/**
 * A browser opening a GraphQL path gets the playground (gateway/playground/), which loads without
 * credentials and asks for them; Apollo's own landing page loads from a CDN. Turned off, such a GET is a
 * 404 that says where to send GraphQL. A GET carrying a `query` is GraphQL over GET, left to GraphQL.
 */
export function usePlayground(options: { enabled: boolean; access: AccessConfig; pagePaths: string[]; endpoint: string }): GatewayPlugin {
  const { access, pagePaths, endpoint } = options;
  if (options.enabled) {
    const credentials = accessIsOpen(access) ? undefined : { notice: credentialsHint(access), headers: playgroundHeaders(access) };
    return { routes: playgroundRoutes({ pagePaths, endpoint, credentials }) };
  }
  return {
    routes: (app) =>
      app.get(pagePaths, (req, res, next) => {
        if (req.query.query !== undefined) return next();
        res
          .status(404)
          .type('text')
          .send(`The playground is turned off here (GATEWAY_PLAYGROUND=false). Send GraphQL to POST ${endpoint}.\n`);
      }),
  };
}
