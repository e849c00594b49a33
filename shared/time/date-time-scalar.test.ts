import fc from 'fast-check';
import { DateTimeResolver } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar, isoString } from './date-time-scalar.js';

describe('DateTimeScalar', () => {
  it('answers the string JSON would have made of graphql-scalars’ Date, for every instant', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        const answered = DateTimeScalar.serialize(date);
        expect(typeof answered).toBe('string');
        expect(answered).toBe(JSON.parse(JSON.stringify(DateTimeResolver.serialize(date))));
      }),
    );
  });

  it('answers strings and timestamps in UTC as graphql-scalars does, and refuses what it refuses', () => {
    expect(DateTimeScalar.serialize('2026-11-02T01:30:00+01:00')).toBe('2026-11-02T00:30:00.000Z');
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow(/invalid Date/);
    expect(() => DateTimeScalar.serialize('yesterday')).toThrow(/invalid date-time-string/);
  });

  it('is graphql-scalars’ DateTime in the schema and when parsing input', () => {
    expect(DateTimeScalar.toConfig()).toMatchObject({ name: 'DateTime', description: DateTimeResolver.description });
    expect(DateTimeScalar.specifiedByURL).toBe(DateTimeResolver.specifiedByURL);
    expect(DateTimeScalar.parseValue('2026-11-02T00:00:00Z')).toEqual(new Date('2026-11-02T00:00:00Z'));
  });
});

describe('isoString', () => {
  it('writes every instant as toISOString does', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        expect(isoString(date)).toBe(date.toISOString());
      }),
    );
  });

  it('still does once its memory of recent instants has filled and emptied (two years of half hours, twice)', () => {
    const halfHours = Array.from({ length: 2 * 17_520 }, (_, index) => new Date(Date.UTC(2024, 0, 1) + index * 1_800_000));
    for (const date of [...halfHours, ...halfHours]) expect(isoString(date)).toBe(date.toISOString());
  });
});
