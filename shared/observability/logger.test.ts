import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import { withRequest } from './request-context.js';

/** What the loggers write to stderr while `work` runs at `level`, one parsed JSON object per line. */
function captured(level: string, work: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  vi.stubEnv('LOG_LEVEL', level);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  try {
    work();
  } finally {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('createLogger', () => {
  it('writes one JSON object per line: level as a word, ISO time, component, message and the fields given', () => {
    const [line] = captured('info', () => createLogger('openvolt-client').info({ route: 'meters/:id', status: '200' }, 'upstream call'));
    expect(line).toMatchObject({ level: 'info', component: 'openvolt-client', msg: 'upstream call', route: 'meters/:id', status: '200' });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
  });

  it('writes what LOG_LEVEL lets through, read at each line, and nothing when silent', () => {
    const log = createLogger('levels');
    const write = () => {
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
    };
    expect(captured('debug', write).map((line) => line.msg)).toEqual(['d', 'i', 'w', 'e']);
    expect(captured('warn', write).map((line) => line.msg)).toEqual(['w', 'e']);
    expect(captured('silent', write)).toEqual([]);
    // An unknown level is info, the default.
    expect(captured('chatty', write).map((line) => line.msg)).toEqual(['i', 'w', 'e']);
  });

  it('adds the request id inside a request', () => {
    const log = createLogger('requests');
    const lines = captured('info', () => {
      log.info('outside');
      withRequest({ requestId: 'req-42' }, () => log.info('inside'));
    });
    expect(lines[0]).not.toHaveProperty('requestId');
    expect(lines[1]).toMatchObject({ msg: 'inside', requestId: 'req-42' });
  });

  it('censors fields that carry credentials by name', () => {
    const [line] = captured('info', () =>
      createLogger('careless').info(
        { password: 'pw-1', apiKey: 'key-2', headers: { authorization: 'Bearer tok-3', 'x-api-key': 'key-4', accept: 'json' } },
        'a careless caller',
      ),
    );
    const text = JSON.stringify(line);
    for (const secret of ['pw-1', 'key-2', 'tok-3', 'key-4']) expect(text).not.toContain(secret);
    expect(line).toMatchObject({ headers: { accept: 'json', authorization: '[redacted]' } });
  });
});
