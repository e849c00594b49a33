import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withRequest } from '../observability/request-context.js';
import { Deadline, currentDeadline, requestTimeout } from './deadline.js';

describe('requestTimeout', () => {
  it('takes the header’s whole milliseconds up to the maximum, and the maximum above it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 1, max: 600_000 }), (asked, maxMs) => {
        expect(requestTimeout(String(asked), maxMs)).toBe(Math.min(asked, maxMs));
      }),
    );
  });

  it('never exceeds the maximum and is never below 1 ms, whatever the header says', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), fc.integer({ min: 1, max: 600_000 }), (header, maxMs) => {
        const timeout = requestTimeout(header, maxMs);
        expect(timeout).toBeGreaterThanOrEqual(1);
        expect(timeout).toBeLessThanOrEqual(maxMs);
      }),
    );
  });

  it('ignores a missing, malformed, zero, negative or fractional header', () => {
    for (const header of [undefined, '', 'soon', '0', '-5', '2.5', '1e3', '100, 200']) expect(requestTimeout(header, 900)).toBe(900);
  });
});

describe('the request deadline', () => {
  it('is undefined outside a request and follows the work it was set for across awaits', async () => {
    expect(currentDeadline()).toBeUndefined();
    const deadline = new Deadline(1_000);
    const seen = await withRequest({ requestId: 'deadline-test', deadline }, async () => {
      await sleep(5);
      return currentDeadline();
    });
    expect(seen).toBe(deadline);
    expect(currentDeadline()).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const [short, long] = [new Deadline(100), new Deadline(5_000)];
    const seen = await Promise.all(
      [short, long].map((deadline) => withRequest({ requestId: 'deadline-test', deadline }, () => sleep(5).then(() => currentDeadline()))),
    );
    expect(seen).toEqual([short, long]);
  });

  it('counts down in whole milliseconds and is passed at zero', async () => {
    const deadline = new Deadline(30);
    expect(Number.isInteger(deadline.left())).toBe(true);
    expect(deadline.left()).toBeLessThanOrEqual(30);
    await sleep(40);
    expect(deadline.left()).toBeLessThanOrEqual(0);
  });
});
