import { RemoteGraphQLDataSource, type GraphQLDataSource, type ServiceEndpointDefinition } from '@apollo/gateway';
import type { GatewayPlugin, SubgraphCall } from './plugins/plugin.js';
import { RawData, answerKeptAsText, dataTextOf } from './raw-answers.js';

/**
 * How the gateway calls each subgraph: Apollo's stock data source over our fetch (subgraph-fetch.ts:
 * kept-alive connections, the request's deadline), inside the plugins' layers, the first plugin's
 * outermost. `urlOf` says where a subgraph is, given the URL composed into the supergraph; each data source
 * built is also kept in `built` under its subgraph's name (single-fetch.ts calls them too).
 */
export function subgraphServices(
  plugins: GatewayPlugin[],
  fetcher: RemoteGraphQLDataSource['fetcher'],
  urlOf: (subgraph: string, composedUrl: string) => string,
  built: Map<string, GraphQLDataSource>,
): (subgraph: ServiceEndpointDefinition) => GraphQLDataSource {
  const layers = plugins.flatMap((plugin) => (plugin.wrapSubgraphCall ? [plugin.wrapSubgraphCall] : []));
  /** Per subgraph, calls[i] goes through layers i and below; calls[layers.length] is the bare fetch. */
  const callsOf = new Map<string, SubgraphCall[]>();
  return ({ name, url }) => {
    const remote = new SubgraphDataSource({ url: urlOf(name, url ?? ''), fetcher });
    const calls: SubgraphCall[] = [];
    calls[layers.length] = (request) => remote.process(request);
    for (let index = layers.length - 1; index >= 0; index--) {
      const below = index + 1;
      calls[index] = layers[index]!(calls[below]!, { subgraph: name, peer: (other) => callsOf.get(other)?.[below] });
    }
    callsOf.set(name, calls);
    const service = { process: calls[0]! };
    built.set(name, service);
    return service;
  };
}

/** Apollo's data source, which leaves the `data` of an answer single-fetch.ts asked for as text (raw-answers.ts). */
class SubgraphDataSource extends RemoteGraphQLDataSource {
  override async parseBody(...[response, request, context]: Parameters<RemoteGraphQLDataSource['parseBody']>): Promise<object | string> {
    const json = /^application\/(graphql-response\+)?json/.test(response.headers.get('Content-Type') ?? '');
    if (!json || !answerKeptAsText(context)) return super.parseBody(response, request, context);
    const text = await response.text();
    const data = dataTextOf(text);
    return data === undefined ? (JSON.parse(text) as object) : { data: new RawData(data) };
  }
}
