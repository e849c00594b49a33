import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentRequest, requestIdFrom, withRequest } from './request-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SAFE_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-'.split('');
const safe = (minLength: number, maxLength = minLength + 20) =>
  fc.string({ unit: fc.constantFrom(...SAFE_CHARACTERS), minLength, maxLength });
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: length, maxLength: length });

describe('requestIdFrom', () => {
  it('keeps a caller’s id of 1–128 safe characters', () => {
    fc.assert(
      fc.property(safe(1, 128), (id) => {
        expect(requestIdFrom({ requestId: id })).toBe(id);
      }),
    );
  });

  it('replaces an id that is too long or has any other character with a new UUID', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          safe(129, 300),
          fc.tuple(safe(1), fc.constantFrom(' ', '\n', '"', '<', '/', '{', 'é', '\u0000'), safe(1)).map((parts) => parts.join('')),
        ),
        (id) => {
          const made = requestIdFrom({ requestId: id });
          expect(made).toMatch(UUID);
          expect(made).not.toBe(id);
        },
      ),
    );
  });

  it('takes the trace id of a valid traceparent when there is no id, and a new UUID for an invalid one', () => {
    fc.assert(
      fc.property(hex(32), hex(16), (traceId, parentId) => {
        fc.pre(!/^0+$/.test(traceId) && !/^0+$/.test(parentId));
        expect(requestIdFrom({ traceparent: `00-${traceId}-${parentId}-01` })).toBe(traceId);
        expect(requestIdFrom({ requestId: 'own-id', traceparent: `00-${traceId}-${parentId}-01` })).toBe('own-id');
      }),
    );
    for (const invalid of ['', '00-abc-def-01', `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, `00-${'0'.repeat(32)}-${'b'.repeat(16)}-01`]) {
      expect(requestIdFrom({ traceparent: invalid })).toMatch(UUID);
    }
  });

  it('makes a different id for each request without one', () => {
    expect(requestIdFrom({})).not.toBe(requestIdFrom({}));
  });
});

describe('the request context', () => {
  it('follows the work it was set for across awaits, and keeps concurrent requests apart', async () => {
    expect(currentRequest()).toBeUndefined();
    const seen = await Promise.all(
      ['a', 'b'].map((requestId) =>
        withRequest({ requestId }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return currentRequest()?.requestId;
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(currentRequest()).toBeUndefined();
  });
});
