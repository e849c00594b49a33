import { describe, expect, it } from 'vitest';
import { withRequest } from '../observability/request-context.js';
import { formatClientError } from './server.js';

/** What a client sees of an unexpected error: masked, with its stack only in development mode. */
describe('formatClientError', () => {
  const bug = new Error('connect ECONNREFUSED with secret=abc');
  const formatted = { message: bug.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } };

  it('masks an unexpected error and logs it, without a stack trace by default', () => {
    const logged: string[] = [];
    const shown = formatClientError(formatted, bug, (line) => logged.push(line));
    expect(shown.message).toMatch(/^Internal server error/);
    expect(JSON.stringify(shown)).not.toContain('secret=abc');
    expect(shown.extensions).not.toHaveProperty('stacktrace');
    expect(logged).toHaveLength(1);
  });

  it('asks the user to quote the request id, inside a request', () => {
    const shown = withRequest({ requestId: 'req-quote-me' }, () => formatClientError(formatted, bug, () => {}));
    expect(shown.message).toBe('Internal server error. It has been logged; if it persists, report it with the request id req-quote-me.');
  });

  it('adds the stack trace in development mode', () => {
    const shown = formatClientError(formatted, bug, () => {}, true);
    expect(shown.message).toMatch(/^Internal server error/);
    expect(shown.extensions?.stacktrace).toEqual(expect.arrayContaining([expect.stringContaining('server.test.ts')]));
  });
});
