import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawData, dataTextOf, stringifyResult } from './raw-answers.js';

describe('dataTextOf', () => {
  it('finds the text of data in an answer that holds only data, for every JSON object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        const text = dataTextOf(JSON.stringify({ data }) + '\n');
        expect(text).toBe(JSON.stringify(data));
      }),
    );
  });

  it('leaves an answer with errors or extensions, and what is not an answer, to be parsed', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), (data, extensions) => {
        expect(dataTextOf(JSON.stringify({ data, extensions }))).toBeUndefined();
        expect(dataTextOf(JSON.stringify({ errors: [{ message: 'x' }], data }))).toBeUndefined();
      }),
    );
    expect(dataTextOf('{"data":null}')).toBe('null');
    for (const text of ['', '{"data":{"a":1}', '{"data":{"a":"}"}}}', '{"data":[1]}', 'not json']) expect(dataTextOf(text)).toBeUndefined();
    // Braces, quotes and escapes inside strings do not end the value.
    expect(dataTextOf('{"data":{"a":"}\\"{","b\\\\":{}}}')).toBe('{"a":"}\\"{","b\\\\":{}}');
  });
});

describe('stringifyResult', () => {
  it('writes a result as Apollo Server does, and data kept as text as the same JSON', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.option(fc.array(fc.record({ message: fc.string() }), { minLength: 1 }), { nil: undefined }),
        fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
        (data, errors, extensions) => {
          const apollo = JSON.stringify({ errors, data, extensions }) + '\n';
          expect(stringifyResult({ errors, data, extensions })).toBe(apollo);
          expect(stringifyResult({ errors, data: new RawData(JSON.stringify(data)) as never, extensions })).toBe(apollo);
        },
      ),
    );
  });
});
