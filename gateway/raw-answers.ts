import type { FormattedExecutionResult } from 'graphql';

/**
 * A subgraph answer's `data` as the JSON text the subgraph sent, handed to the client without being
 * parsed and written again (single-fetch.ts). For a year of half hours of ten meters (12.6 MB) the
 * gateway otherwise parsed the text into 175,200 objects, serialised them back, and collected them:
 * most of its CPU for that answer once @apollo/gateway's rebuild was gone. Only an answer that is exactly
 * `{"data":…}` (no errors, no extensions) is kept as text; anything else is parsed as before.
 */
export class RawData {
  constructor(readonly json: string) {}
}

/** Request contexts whose subgraph answer may stay text: single-fetch.ts marks them before its one fetch. */
const textWanted = new WeakSet<object>();

export function keepAnswerAsText(context: object): void {
  textWanted.add(context);
}

export function answerKeptAsText(context: unknown): boolean {
  return typeof context === 'object' && context !== null && textWanted.has(context);
}

const DATA_PREFIX = '{"data":';

/** The text of `data` in an answer that holds nothing else, else undefined. */
export function dataTextOf(answer: string): string | undefined {
  if (!answer.startsWith(DATA_PREFIX)) return undefined;
  const end = endOfValue(answer, DATA_PREFIX.length);
  if (end === undefined || answer.slice(end).trim() !== '}') return undefined;
  return answer.slice(DATA_PREFIX.length, end);
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Where the JSON object (or `null`) starting at `start` ends: brackets counted outside strings. The text
 * is a JSON answer already (the subgraph's JSON.stringify); this only finds the value's end.
 */
function endOfValue(text: string, start: number): number | undefined {
  if (text.startsWith('null', start)) return start + 4;
  if (text.charCodeAt(start) !== OPEN_BRACE) return undefined;
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index++;
      while (index < text.length && text.charCodeAt(index) !== QUOTE) index += text.charCodeAt(index) === BACKSLASH ? 2 : 1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth++;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return undefined;
}

/**
 * Apollo Server's `stringifyResult`: its own (`JSON.stringify` + newline, fields in the order errors, data,
 * extensions), with a RawData written as the text it holds.
 */
export function stringifyResult(result: FormattedExecutionResult): string {
  const { errors, data, extensions } = result;
  if (!(data instanceof RawData)) return JSON.stringify({ errors, data, extensions }) + '\n';
  const head = errors === undefined ? '{"data":' : `{"errors":${JSON.stringify(errors)},"data":`;
  const tail = extensions === undefined ? '}' : `,"extensions":${JSON.stringify(extensions)}}`;
  return head + data.json + tail + '\n';
}
