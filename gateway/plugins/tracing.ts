import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tracer } from '../../shared/observability/tracing.js';
import type { GatewayPlugin } from './plugin.js';

/**
 * A client span for each call to a subgraph, named after it, inside the gateway's request span (and
 * @apollo/gateway's fetch span): the subgraph fetch sends its context on in `traceparent`
 * (subgraph-fetch.ts), so the subgraph's spans are its children. Nothing is recorded while tracing is off.
 */
export function useTracing(): GatewayPlugin {
  return {
    wrapSubgraphCall:
      (next, { subgraph }) =>
      (request) =>
        tracer().startActiveSpan(
          `subgraph ${subgraph}`,
          {
            kind: SpanKind.CLIENT,
            attributes: { 'gridgraph.subgraph': subgraph, 'graphql.operation.name': request.request.operationName ?? '' },
          },
          async (span) => {
            try {
              const response = await next(request);
              if (response.errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the subgraph answered with errors' });
              return response;
            } catch (error) {
              span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
              throw error;
            } finally {
              span.end();
            }
          },
        ),
  };
}
