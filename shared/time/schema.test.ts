import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { graphql, type GraphQLSchema } from 'graphql';
import { Arg, buildSchema, Query, Resolver } from 'type-graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReadingRange, TimeSeries, type TimeSeriesResult } from './index.js';
import { seriesOf, slots } from '../../test/support/time-series.js';

// The GraphQL face of the kit: a throwaway resolver shows the types build, print with their directives
// and descriptions, apply the input defaults, and serialize plain TimeSeriesResult objects.
@Resolver()
class ConsumptionResolver {
  @Query(() => TimeSeries)
  consumption(@Arg('range', () => ReadingRange) range: ReadingRange): Promise<TimeSeriesResult> {
    return seriesOf(range, slots('2026-06-01T00:00:00Z', 47), { nowMs: Date.parse('2026-06-02T00:00:00Z') });
  }
}

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildSchema({ resolvers: [ConsumptionResolver], skipCheck: true, validate: false });
});

describe('time-series GraphQL types', () => {
  it('print with @shareable, scalars, defaults and descriptions', () => {
    const sdl = printSchemaWithDirectives(schema);
    expect(sdl).toMatch(/type Reading @shareable/);
    expect(sdl).toMatch(/type TimeSeries @shareable/);
    expect(sdl).toContain('start: DateTime!');
    expect(sdl).toContain('value: Float');
    expect(sdl).toContain('timeZone: TimeZone!');
    expect(sdl).toContain('count: Int!');
    expect(sdl).toContain('readings: [Reading!]!');
    expect(sdl).toContain('unit: EnergyUnit! = KWH');
    expect(sdl).toContain('timeZone: TimeZone! = "UTC"');
    expect(sdl).toContain('Local midnight to the next local midnight');
    expect(sdl).toContain('starts: [DateTime!]!');
    expect(sdl).toContain('ISO week');
    expect(sdl).toContain('Null exactly when quality is MISSING');
    for (const name of ['Resolution', 'EnergyUnit', 'ReadingQuality']) {
      const values = schema.getType(name)!.toConfig() as { values: Record<string, { description?: string | null }> };
      for (const [value, config] of Object.entries(values.values)) {
        expect(config.description, `${name}.${value} has a description`).toBeTruthy();
      }
    }
  });

  it('answers a query with defaults applied, DateTime strings and a MISSING reading as null', async () => {
    const result = await graphql({
      schema,
      source: `{ consumption(range: { from: "2026-06-01T00:00:00Z", to: "2026-06-01T23:59:00Z", resolution: HOUR }) {
        resolution nativeResolution unit timeZone from to total count missing
        readings { start end value quality }
      } }`,
    });
    expect(result.errors).toBeUndefined();
    // graphql-scalars' DateTime serializes to a Date, which JSON (what a client receives) writes as ISO 8601.
    const wire = JSON.parse(JSON.stringify(result.data)) as unknown;
    const ts = (wire as { consumption: Record<string, unknown> & { readings: Array<Record<string, unknown>> } }).consumption;
    expect(ts).toMatchObject({
      resolution: 'HOUR',
      nativeResolution: 'HALF_HOUR',
      unit: 'KWH',
      timeZone: 'UTC',
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-06-02T00:00:00.000Z',
      total: 69,
      count: 24,
      missing: 1,
    });
    expect(ts.readings[0]).toEqual({ start: '2026-06-01T00:00:00.000Z', end: '2026-06-01T01:00:00.000Z', value: 3, quality: 'MEASURED' });
    expect(ts.readings[23]).toEqual({
      start: '2026-06-01T23:00:00.000Z',
      end: '2026-06-02T00:00:00.000Z',
      value: null,
      quality: 'MISSING',
    });
  });

  it('reports a bad range as BAD_USER_INPUT through GraphQL', async () => {
    const result = await graphql({
      schema,
      source: `{ consumption(range: { from: "2026-06-01T00:00:00Z", to: "2026-06-02T00:00:00Z", resolution: FIVE_MINUTES }) { total } }`,
    });
    expect(result.errors?.[0]?.message).toBe('OPENVOLT meters record HALF_HOUR readings; ask for HALF_HOUR or coarser.');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: 'OPENVOLT', field: 'range.resolution' });
  });
});
