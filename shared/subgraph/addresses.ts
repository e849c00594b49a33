/** How servers are found: the host a client dials for a bound address, and where a subgraph is said to be. */

/** The host to put in a URL for a server bound to `host`: a wildcard bind is reachable on loopback; IPv6 in brackets. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The setting that says where subgraph `name` listens (the gateway's, and a composite's): `OPENVOLT_SUBGRAPH_URL`. */
export const subgraphUrlSetting = (name: string): string => `${name.toUpperCase()}_SUBGRAPH_URL`;
