import { Secret } from '@takeover/core';
import type { ConnectorError } from '@takeover/connector-kit';
import { entraAttributes, fromGraphAnswer, graphAttributes } from '@takeover/connector-microsoft-entra/testing';
import { fromThrown } from '../src/call.js';
import { resolve } from 'node:path';
import { driftedSnippets } from '@takeover/connector-kit/testing';

const repoRoot = resolve(__dirname, '../../..');

const none = { carriedPassword: false, secrets: [] };
const classOf = (e: ConnectorError) => (e._tag === 'auth' ? 'auth' : `${e._tag}/${e.reason}`);

/** A GraphError as the Graph client throws it for a recorded Graph error body (reference/directory-apis.md). */
const graphError = (statusCode: number, code: string, message: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(message), {
    name: 'GraphError',
    statusCode,
    code,
    body: JSON.stringify({ code, message, innerError: { date: '2025-01-01T00:00:00', 'request-id': 'r' } }),
    headers: new Headers(headers),
  });

describe('Graph errors map to exactly one taxonomy class', () => {
  it.each([
    [
      400,
      'Request_BadRequest',
      'The specified password does not comply with password complexity requirements. Please provide a different password.',
      true,
      'permanent/policy-rejected',
    ],
    [400, 'Request_BadRequest', "Invalid value specified for property 'mailNickname' of resource 'User'.", false, 'permanent/invalid'],
    [403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', false, 'permanent/forbidden'],
    [
      404,
      'Request_ResourceNotFound',
      "Resource 'x' does not exist or one of its queried reference-property objects are not present.",
      false,
      'permanent/not-found',
    ],
    [429, 'TooManyRequests', 'Too many requests', false, 'retryable/throttled'],
    [429, 'Request_ThrottledTemporarily', 'Your request is throttled temporarily.', false, 'retryable/throttled'],
    [503, 'ServiceNotAvailable', 'Service unavailable', false, 'retryable/server'],
    [504, 'GatewayTimeout', 'Gateway timeout', false, 'retryable/server'],
    [401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', false, 'auth'],
  ])('%i %s → %s', (status, code, message, carriedPassword, expected) => {
    const e = fromThrown(graphError(status, code, message), { carriedPassword, secrets: [] });
    expect(classOf(e)).toBe(expected);
    expect(e.provider).toEqual({ status, code, message });
  });

  it('carries Retry-After (seconds → ms) and invents none', () => {
    expect(fromThrown(graphError(429, 'TooManyRequests', 'Too many requests', { 'retry-after': '7' }), none)).toMatchObject({
      retryAfter: 7000,
    });
    expect(fromThrown(graphError(503, 'ServiceNotAvailable', 'x'), none)).not.toHaveProperty('retryAfter');
  });

  it('token failures (invalid_client, AADSTS) are auth', () => {
    const thrown = Object.assign(new Error(''), {
      statusCode: -1,
      code: 'AuthenticationError',
      body: 'invalid_client: AADSTS7000215: Invalid client secret provided.',
    });
    expect(fromThrown(thrown, none)).toEqual({
      _tag: 'auth',
      provider: { code: 'AuthenticationError', message: 'invalid_client: AADSTS7000215: Invalid client secret provided.' },
    });
    expect(
      classOf(
        fromGraphAnswer(
          { status: 400, code: 'invalid_client', message: 'AADSTS7000215: Invalid client secret provided.' },
          undefined,
          none,
        ),
      ),
    ).toBe('auth');
  });

  it('scrubs a quoted password', () => {
    const e = fromThrown(graphError(400, 'Request_BadRequest', 'password Hunter-22-Secret is too common'), {
      carriedPassword: true,
      secrets: [Secret.of('Hunter-22-Secret')],
    });
    expect(JSON.stringify(e)).not.toContain('Hunter-22-Secret');
    expect(classOf(e)).toBe('permanent/policy-rejected');
  });
});

describe('attribute mapping to Graph user properties', () => {
  it('maps every kit attribute, sending only what changed', () => {
    expect(
      graphAttributes({
        primaryEmail: 'ada@contoso.com',
        givenName: 'Ada',
        familyName: 'King',
        displayName: 'Ada King',
        jobTitle: 'Countess',
        department: 'Maths',
        mobilePhone: '+44 1',
      }),
    ).toEqual({
      userPrincipalName: 'ada@contoso.com',
      givenName: 'Ada',
      surname: 'King',
      displayName: 'Ada King',
      jobTitle: 'Countess',
      department: 'Maths',
      mobilePhone: '+44 1',
    });
    expect(graphAttributes({ familyName: 'Byron' })).toEqual({ surname: 'Byron' });
    expect(entraAttributes).toHaveLength(7);
  });
});

describe('README', () => {
  it('shows the code that is compiled and tested', () => {
    expect(driftedSnippets('packages/connector-microsoft-entra/README.md', repoRoot)).toEqual([]);
  });
});
