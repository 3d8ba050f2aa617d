import { reveal, Secret } from '@takeover/core';
import {
  authFailed,
  classifyHttpStatus,
  classifyNoResponse,
  describeConnectorError,
  isAuthError,
  isConnectorError,
  isPermanent,
  isRetryable,
  parseRetryAfter,
  permanent,
  retryable,
  scrubProvider,
  scrubText,
  unknowablePassword,
} from '@takeover/connector-kit';

describe('the error taxonomy', () => {
  it('builds tagged values the structural guards recognise (no instanceof)', () => {
    const r = retryable('throttled', { status: 429, message: 'slow down' }, 7000);
    expect(r).toEqual({ _tag: 'retryable', reason: 'throttled', retryAfter: 7000, provider: { status: 429, message: 'slow down' } });
    expect('retryAfter' in retryable('server', { message: 'x' })).toBe(false);
    expect([isRetryable(r), isPermanent(r), isAuthError(r)]).toEqual([true, false, false]);
    // A copy that crossed a JSON boundary (or came from a duplicate package) is still recognised.
    expect(isConnectorError(JSON.parse(JSON.stringify(permanent('not-found', { message: 'gone' }))))).toBe(true);
    expect(isConnectorError({ _tag: 'permanent', reason: 'oops', provider: { message: '' } })).toBe(false);
    expect(isConnectorError(new Error('x'))).toBe(false);
  });

  it('describes an error in one line for the admin', () => {
    expect(describeConnectorError(permanent('not-found', { status: 404, code: 'notFound', message: 'Resource Not Found: userKey' }))).toBe(
      'permanent/not-found (404 notFound): Resource Not Found: userKey',
    );
    expect(describeConnectorError(retryable('throttled', { status: 429, message: 'slow' }, 2000))).toBe(
      'retryable/throttled (429): slow (retry after 2000 ms)',
    );
    expect(describeConnectorError(authFailed({ message: 'invalid_client' }))).toBe('auth: invalid_client');
  });
});

describe('HTTP helpers', () => {
  it.each([
    [401, 'auth'],
    [403, 'permanent/forbidden'],
    [404, 'permanent/not-found'],
    [400, 'permanent/invalid'],
    [409, 'permanent/invalid'],
    [408, 'retryable/timeout'],
    [429, 'retryable/throttled'],
    [500, 'retryable/server'],
    [503, 'retryable/server'],
    [504, 'retryable/timeout'],
  ])('status %i reads as %s by default', (status, expected) => {
    const e = classifyHttpStatus(status, { status, message: 'm' });
    expect(e._tag === 'auth' ? 'auth' : `${e._tag}/${e.reason}`).toBe(expected);
  });

  it('parses Retry-After as seconds or an HTTP date, and never invents one', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('reads a missing response as a timeout or a connection failure, through cause chains', () => {
    expect(classifyNoResponse(new DOMException('x', 'TimeoutError'))).toMatchObject({ _tag: 'retryable', reason: 'timeout' });
    const reset = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }),
    });
    expect(classifyNoResponse(reset)).toMatchObject({ _tag: 'retryable', reason: 'connection', provider: { code: 'ECONNRESET' } });
  });
});

describe('scrubbing provider text', () => {
  it('removes a known secret in every spelling a server might echo', () => {
    const s = Secret.of('p@ss "word" 1');
    const text = `bad: p@ss "word" 1 / ${JSON.stringify('p@ss "word" 1')} / ${encodeURIComponent('p@ss "word" 1')}`;
    expect(scrubText(text, [s, undefined])).toBe('bad: [redacted] / "[redacted]" / [redacted]');
    expect(scrubProvider({ status: 400, code: 'p@ss "word" 1', message: 'p@ss "word" 1' }, [s])).toEqual({
      status: 400,
      code: '[redacted]',
      message: '[redacted]',
    });
  });
});

describe('unknowablePassword', () => {
  it('is long, ASCII, mixes all four classes, and differs every time', () => {
    const a = reveal(unknowablePassword());
    expect(a).toHaveLength(32);
    expect(a).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[-_!.@#])[\x21-\x7e]+$/);
    expect(reveal(unknowablePassword())).not.toBe(a);
  });
});
