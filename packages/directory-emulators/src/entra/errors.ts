// Microsoft Graph's error envelope and Entra's token-endpoint errors, in one place.
// Graph: {"error":{"code":"…","message":"…","innerError":{"date":"…","request-id":"…","client-request-id":"…"}}}.
import { randomUUID } from 'node:crypto';
import type { ProviderReply } from '../common/http.js';

export interface GraphApiError {
  readonly _tag: 'GraphApiError';
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const graphError = (status: number, code: string, message: string, headers?: Readonly<Record<string, string>>): GraphApiError => ({
  _tag: 'GraphApiError',
  status,
  code,
  message,
  ...(headers === undefined ? {} : { headers }),
});

export const PASSWORD_COMPLEXITY =
  'The specified password does not comply with password complexity requirements. Please provide a different password.';

/**
 * A password set on a user of a federated domain. Microsoft documents that such users' passwords
 * live with the federation provider ("Update user": passwordProfile; "What is federation with
 * Microsoft Entra ID?") but not the exact answer Graph gives: status, code and wording here are
 * UNCONFIRMED, kept in this one place so they are easy to change when a real tenant shows them.
 */
export const FEDERATED_PASSWORD_STATUS = 400;
export const FEDERATED_PASSWORD_CODE = 'Request_BadRequest';
export const FEDERATED_PASSWORD_MESSAGE =
  'Password update is not supported for users in a federated domain. Update the password in the federation provider.';
export const federatedPassword = (): GraphApiError =>
  graphError(FEDERATED_PASSWORD_STATUS, FEDERATED_PASSWORD_CODE, FEDERATED_PASSWORD_MESSAGE);
/** Creating a user in a federated domain without onPremisesImmutableId (documented as required; wording UNCONFIRMED). */
export const FEDERATED_CREATE_MESSAGE = "Property 'onPremisesImmutableId' is required when creating a user in a federated domain.";
export const federatedCreateNeedsImmutableId = (): GraphApiError => graphError(400, 'Request_BadRequest', FEDERATED_CREATE_MESSAGE);

export const passwordRejected = (): GraphApiError => graphError(400, 'Request_BadRequest', PASSWORD_COMPLEXITY);
export const forbidden = (): GraphApiError =>
  graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
export const notFound = (id: string): GraphApiError =>
  graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
export const invalidValue = (property: string): GraphApiError =>
  graphError(400, 'Request_BadRequest', `Invalid value specified for property '${property}' of resource 'User'.`);
export const unknownProperty = (property: string): GraphApiError =>
  graphError(
    400,
    'BadRequest',
    `Property '${property}' does not exist on type 'microsoft.graph.user'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );
export const malformedJson = (): GraphApiError =>
  graphError(
    400,
    'BadRequest',
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
export const unauthenticated = (message: string): GraphApiError => graphError(401, 'InvalidAuthenticationToken', message);
export const throttled = (retryAfterSeconds: number, scope?: string): GraphApiError =>
  graphError(429, 'Request_ThrottledTemporarily', `Your request is throttled temporarily. Please try after ${retryAfterSeconds} seconds.`, {
    'retry-after': String(retryAfterSeconds),
    ...(scope === undefined ? {} : { 'x-ms-throttle-scope': scope }),
  });
/** Graph's 404 for any resource by key (a domain, a role assignment). */
export const resourceNotFound = (id: string): GraphApiError =>
  graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

/** Graph's innerError date has no fractional seconds. */
const graphDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');

export const renderGraphError = (e: GraphApiError, nowMs: number, clientRequestId: string | undefined): ProviderReply => {
  const requestId = randomUUID();
  const clientId = clientRequestId ?? requestId;
  return {
    status: e.status,
    headers: { 'request-id': requestId, 'client-request-id': clientId, ...(e.headers ?? {}) },
    body: {
      error: {
        code: e.code,
        message: e.message,
        innerError: { date: graphDate(nowMs), 'request-id': requestId, 'client-request-id': clientId },
      },
    },
  };
};

/** Token endpoint errors: {error, error_description "AADSTSnnn: …", error_codes, timestamp, trace_id, correlation_id, error_uri}. */
export interface EntraOAuthError {
  readonly _tag: 'EntraOAuthError';
  readonly status: number;
  readonly error: string;
  readonly aadsts: number;
  readonly message: string;
}

export const aadError = (status: number, error: string, aadsts: number, message: string): EntraOAuthError => ({
  _tag: 'EntraOAuthError',
  status,
  error,
  aadsts,
  message,
});

export const renderOAuthError = (e: EntraOAuthError, nowMs: number, baseUrl: string): ProviderReply => {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(nowMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.(\d{3})Z$/, 'Z');
  return {
    status: e.status,
    body: {
      error: e.error,
      error_description: `AADSTS${e.aadsts}: ${e.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [e.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${baseUrl}error?code=${e.aadsts}`,
    },
  };
};
