import { Secret } from '@takeover/core';
import type { ConnectorError } from '@takeover/connector-kit';
import { describeConnectorError } from '@takeover/connector-kit';
import { fromGoogleResponse } from '@takeover/connector-google-workspace/testing';

/** Google's envelope, as the Directory API sends it (reference/directory-apis.md). */
const envelope = (code: number, reason: string, message: string, domain = 'global') => ({
  error: { code, message, errors: [{ message, domain, reason }] },
});

const noPassword = { carriedPassword: false, secrets: [] };
const classOf = (e: ConnectorError) => (e._tag === 'auth' ? 'auth' : `${e._tag}/${e.reason}`);

describe('Google errors map to exactly one taxonomy class, keeping code and message', () => {
  it.each([
    [403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'retryable/throttled'],
    [403, 'quotaExceeded', 'Quota exceeded', 'retryable/throttled'],
    [429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'retryable/throttled'],
    [503, 'backendError', 'Backend Error', 'retryable/server'],
    [500, 'internalError', 'Internal Error', 'retryable/server'],
    [404, 'notFound', 'Resource Not Found: userKey', 'permanent/not-found'],
    [403, 'forbidden', 'Not Authorized to access this resource/api', 'permanent/forbidden'],
    [401, 'authError', 'Invalid Credentials', 'auth'],
    [403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', 'auth'],
    [409, 'duplicate', 'Entity already exists.', 'permanent/invalid'],
    [400, 'invalid', 'Invalid Input: primaryEmail', 'permanent/invalid'],
  ])('%i %s → %s', (status, reason, message, expected) => {
    const e = fromGoogleResponse(status, envelope(status, reason, message), undefined, noPassword);
    expect(classOf(e)).toBe(expected);
    expect(e.provider).toEqual({ status, code: reason, message });
  });

  it('400 "Invalid Password" on a request carrying a password is policy-rejected', () => {
    const e = fromGoogleResponse(400, envelope(400, 'invalid', 'Invalid Password'), undefined, { carriedPassword: true, secrets: [] });
    expect(describeConnectorError(e)).toBe('permanent/policy-rejected (400 invalid): Invalid Password');
  });

  it('carries Retry-After on throttling and invents none', () => {
    expect(fromGoogleResponse(429, envelope(429, 'rateLimitExceeded', 'Rate Limit Exceeded'), 7000, noPassword)).toMatchObject({
      _tag: 'retryable',
      retryAfter: 7000,
    });
    expect(
      fromGoogleResponse(403, envelope(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded'), undefined, noPassword),
    ).not.toHaveProperty('retryAfter');
  });

  it('token endpoint errors are auth (an admin must fix delegation or the key)', () => {
    const e = fromGoogleResponse(
      401,
      { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method.' },
      undefined,
      noPassword,
    );
    expect(e).toEqual({
      _tag: 'auth',
      provider: {
        status: 401,
        code: 'unauthorized_client',
        message: 'Client is unauthorized to retrieve access tokens using this method.',
      },
    });
    expect(
      classOf(fromGoogleResponse(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }, undefined, noPassword)),
    ).toBe('auth');
    expect(classOf(fromGoogleResponse(503, { error: 'temporarily_unavailable' }, undefined, noPassword))).toBe('retryable/server');
  });

  it("a body that is not Google's falls back to the status", () => {
    expect(fromGoogleResponse(502, '<html>Bad Gateway</html>', undefined, noPassword)).toEqual({
      _tag: 'retryable',
      reason: 'server',
      provider: { status: 502, message: 'HTTP 502 without a Google error body' },
    });
  });

  it('scrubs a password the provider quotes', () => {
    const secret = Secret.of('Hunter-22-Secret');
    const e = fromGoogleResponse(400, envelope(400, 'invalid', 'Invalid Password: Hunter-22-Secret'), undefined, {
      carriedPassword: true,
      secrets: [secret],
    });
    expect(JSON.stringify(e)).not.toContain('Hunter-22-Secret');
    expect(classOf(e)).toBe('permanent/policy-rejected');
  });
});
