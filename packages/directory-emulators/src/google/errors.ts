// Google's error envelope and the reasons the Directory API answers with, in one place:
// {"error":{"code":N,"message":"…","errors":[{"message":"…","domain":"…","reason":"…"}]}}.
import type { ProviderReply } from '../common/http.js';

export interface GoogleApiError {
  readonly _tag: 'GoogleApiError';
  readonly status: number;
  readonly reason: string;
  readonly message: string;
  readonly domain: string;
  readonly extra?: Readonly<Record<string, string>>;
}

/** What the Google emulator answers for one error reason: status, default message and domain. */
export interface GoogleReason {
  readonly status: number;
  readonly message: string;
  readonly domain: string;
}

/** Reason → status, default message and domain. "Invalid Password"'s reason is unconfirmed (assumed `invalid`). */
export const googleReasons: Readonly<Record<string, GoogleReason>> = {
  authError: { status: 401, message: 'Invalid Credentials', domain: 'global' },
  forbidden: { status: 403, message: 'Not Authorized to access this resource/api', domain: 'global' },
  insufficientPermissions: { status: 403, message: 'Request had insufficient authentication scopes.', domain: 'global' },
  notFound: { status: 404, message: 'Resource Not Found: userKey', domain: 'global' },
  invalid: { status: 400, message: 'Invalid Input', domain: 'global' },
  required: { status: 400, message: 'Required', domain: 'global' },
  badRequest: { status: 400, message: 'Bad Request', domain: 'global' },
  parseError: { status: 400, message: 'Parse Error', domain: 'global' },
  // users.insert reference: "Check the error details for the \"User creation is not complete\" message".
  // The 412 status is what callers report (it is not in the reference); the reason is Google's
  // standard one for 412 (*unconfirmed* for this case).
  conditionNotMet: { status: 412, message: 'User creation is not complete.', domain: 'global' },
  duplicate: { status: 409, message: 'Entity already exists.', domain: 'global' },
  userRateLimitExceeded: { status: 403, message: 'User Rate Limit Exceeded', domain: 'usageLimits' },
  quotaExceeded: { status: 403, message: 'Quota exceeded', domain: 'usageLimits' },
  rateLimitExceeded: { status: 429, message: 'Rate Limit Exceeded', domain: 'usageLimits' },
  backendError: { status: 503, message: 'Backend Error', domain: 'global' },
  internalError: { status: 500, message: 'Internal Error', domain: 'global' },
};

export const googleError = (reason: string, message?: string, status?: number): GoogleApiError => {
  const known = googleReasons[reason];
  return {
    _tag: 'GoogleApiError',
    status: status ?? known?.status ?? 400,
    reason,
    message: message ?? known?.message ?? reason,
    domain: known?.domain ?? 'global',
    ...(reason === 'authError' ? { extra: { location: 'Authorization', locationType: 'header' } } : {}),
  };
};

export const creationIncomplete = (): GoogleApiError => googleError('conditionNotMet');
export const invalidPassword = (): GoogleApiError => googleError('invalid', 'Invalid Password');
export const invalidInput = (field: string): GoogleApiError => googleError('invalid', `Invalid Input: ${field}`);
export const invalidName = (which: 'GivenName' | 'FamilyName'): GoogleApiError =>
  googleError('invalid', `Invalid Given/Family Name: ${which}`);

export const renderGoogleError = (e: GoogleApiError): ProviderReply => ({
  status: e.status,
  headers: e.status === 401 ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' } : {},
  body: {
    error: { code: e.status, message: e.message, errors: [{ message: e.message, domain: e.domain, reason: e.reason, ...(e.extra ?? {}) }] },
  },
});

/** OAuth token endpoint errors: {"error": "...", "error_description": "..."}. */
export interface GoogleOAuthError {
  readonly _tag: 'GoogleOAuthError';
  readonly status: number;
  readonly error: string;
  readonly description: string;
}

export const oauthError = (error: string, description: string, status = 400): GoogleOAuthError => ({
  _tag: 'GoogleOAuthError',
  status,
  error,
  description,
});

export const renderOAuthError = (e: GoogleOAuthError): ProviderReply => ({
  status: e.status,
  body: { error: e.error, error_description: e.description },
});
