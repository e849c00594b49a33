import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { str } from '../subgraph/config.js';

/**
 * OpenTelemetry traces: a span for each request a server serves (the gateway, each subgraph), for each
 * gateway→subgraph call and for each upstream HTTP call, in one trace: W3C `traceparent` goes with the
 * gateway's subgraph fetches and the connectors' upstream calls, and a server continues the trace it
 * receives. @apollo/gateway's own spans (plan, execute, fetch) join in.
 *
 * Off by default: the kit's spans go to the OpenTelemetry API, which does nothing until a tracer
 * provider is registered, and the SDK is not even loaded. `startTracing` registers one when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, exporting over OTLP/HTTP;
 * OTEL_SDK_DISABLED=true keeps it off anyway, OTEL_SERVICE_NAME names the service.
 */

/** The standard OTEL_* settings this process reads, as .env.example lists them (read leniently in tracesEndpoint). */
export const TRACING_SETTINGS = {
  OTEL_EXPORTER_OTLP_ENDPOINT: str({ default: '', desc: 'OTLP/HTTP collector URL (/v1/traces is added); empty = tracing off' }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: str({ default: '', desc: 'The full OTLP/HTTP traces URL, instead of the one above' }),
  OTEL_SERVICE_NAME: str({ default: '', desc: 'Service name on the spans; empty = the server’s own name' }),
  OTEL_SDK_DISABLED: str({ default: '', desc: '"true" keeps tracing off even with an endpoint set' }),
};

/** The kit's tracer, looked up at each use so that it follows whichever provider is registered now. */
export function tracer(): Tracer {
  return trace.getTracer('gridgraph');
}

/** Puts the current trace context (`traceparent`) into `headers` of an outgoing request; nothing when off. */
export function injectTraceContext(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

/** Where spans are sent when tracing is configured: the OTLP/HTTP traces endpoint, or undefined (off). */
export function tracesEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

export interface Tracing {
  /** Sends what is still buffered and unregisters: the process traces nothing afterwards. */
  stop(): Promise<void>;
}

/**
 * Registers a tracer provider for the process when tracing is configured in `env` (or `exporter` is given:
 * tests pass an in-memory one); undefined when tracing stays off.
 */
export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv, exporter?: SpanExporter): Promise<Tracing | undefined> {
  const endpoint = tracesEndpoint(env);
  if (!exporter && !endpoint) return undefined;
  const [sdk, { W3CTraceContextPropagator }, { resourceFromAttributes }, { ATTR_SERVICE_NAME }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const processor = exporter
    ? new sdk.SimpleSpanProcessor(exporter)
    : new sdk.BatchSpanProcessor(new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: endpoint }));
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || serviceName }),
    spanProcessors: [processor],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    stop: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
