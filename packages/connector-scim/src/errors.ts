import { isRight } from 'fp-ts/lib/Either.js';
import type { Secret } from '@takeover/core';
import type { ConnectorError } from '@takeover/connector-kit';
import { classifyHttpStatus, permanent, scrubProvider } from '@takeover/connector-kit';
import { ScimErrorBody } from './codecs.js';

/**
 * A SCIM error response (RFC 7644 §3.12) as a ConnectorError. The status decides, as the kit reads
 * it, with one SCIM-specific refinement: a 400 `invalidValue` whose detail is about the password,
 * on a request that carried one, is the service provider refusing it under its policy.
 */
export const fromScimError = (
  status: number,
  body: unknown,
  retryAfter: number | undefined,
  request: { readonly carriedPassword: boolean; readonly secrets: ReadonlyArray<Secret | undefined> },
): ConnectorError => {
  const decoded = ScimErrorBody.decode(body);
  const scimType = isRight(decoded) ? decoded.right.scimType : undefined;
  const detail = isRight(decoded) ? decoded.right.detail : undefined;
  const provider = scrubProvider(
    {
      status,
      ...(scimType === undefined ? {} : { code: scimType }),
      message: detail ?? `HTTP ${status} without a SCIM error body`,
    },
    request.secrets,
  );
  const aboutPassword =
    request.carriedPassword && (scimType === undefined || scimType === 'invalidValue') && /password/i.test(detail ?? '');
  return status === 400 && aboutPassword ? permanent('policy-rejected', provider) : classifyHttpStatus(status, provider, retryAfter);
};
