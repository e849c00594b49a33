import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { injectTraceContext, startTracing, tracer, tracesEndpoint } from './tracing.js';

describe('tracesEndpoint', () => {
  it('is off unless an OTLP endpoint is set, and off with OTEL_SDK_DISABLED=true', () => {
    expect(tracesEndpoint({})).toBeUndefined();
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBeUndefined();
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(
      tracesEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' }),
    ).toBe('http://collector:4318/traces');
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });
});

describe('startTracing', () => {
  it('registers nothing when tracing is not configured: spans record nothing and no traceparent is sent', async () => {
    expect(await startTracing('off', {})).toBeUndefined();
    tracer().startActiveSpan('unrecorded', (span) => {
      expect(span.isRecording()).toBe(false);
      expect(injectTraceContext({})).toEqual({});
      span.end();
    });
  });

  it('records spans, sends their context in traceparent, and records nothing once stopped', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = (await startTracing('unit', {}, exporter))!;
    try {
      tracer().startActiveSpan('recorded', (span) => {
        expect(injectTraceContext({}).traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
        span.end();
      });
      // (Read before stop(): stopping shuts the exporter down, which empties an in-memory one.)
      expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['recorded']);
      expect(exporter.getFinishedSpans()[0]!.resource.attributes['service.name']).toBe('unit');
    } finally {
      await tracing.stop();
    }
    tracer().startActiveSpan('after', (span) => {
      expect(span.isRecording()).toBe(false);
      span.end();
    });
  });
});
