// Entra's v2.0 token endpoint for the client-credentials grant, with a client secret or a
// certificate (`client_assertion`, RS256 with `x5t` or PS256 with `x5t#S256`, as MSAL signs it),
// and the access tokens it mints: RS256 JWTs for https://graph.microsoft.com signed by the emulator.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { decodeJws, numberClaim, signRs256, stringClaim, verifyJws } from '../common/jwt.js';
import type { EntraOAuthError } from './errors.js';
import { aadError } from './errors.js';
import type { EntraApp, EntraState, EntraTenant } from './state.js';
import { findTenant } from './state.js';
import { roleTemplateId } from './roles.js';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const SKEW_S = 300;

export interface GraphToken {
  readonly tenantId: string;
  readonly appId: string;
  readonly roles: ReadonlyArray<string>;
  readonly expiresAt: number;
}

export interface Signer {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const missing = (name: string): EntraOAuthError =>
  aadError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

const safeEqual = (a: string, b: string): boolean => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

const checkAssertion = (
  app: EntraApp,
  assertion: string,
  nowS: number,
  expectedAudiences: ReadonlyArray<string>,
): E.Either<EntraOAuthError, void> => {
  const jws = decodeJws(assertion);
  if (E.isLeft(jws)) return E.left(aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.'));
  const { header, payload } = jws.right;
  const x5t = stringClaim(header, 'x5t');
  const x5tS256 = stringClaim(header, 'x5t#S256');
  const cert = app.certificates.find((c) => (x5t !== undefined && c.x5t === x5t) || (x5tS256 !== undefined && c.x5tS256 === x5tS256));
  const thumb = x5t ?? x5tS256 ?? '';
  if (cert === undefined) {
    return E.left(
      aadError(
        401,
        'invalid_client',
        700027,
        `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumb}']`,
      ),
    );
  }
  if (!verifyJws(jws.right, cert.publicKey)) {
    return E.left(
      aadError(
        401,
        'invalid_client',
        700027,
        `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${thumb}']`,
      ),
    );
  }
  if (stringClaim(payload, 'iss') !== app.clientId || stringClaim(payload, 'sub') !== app.clientId) {
    return E.left(aadError(401, 'invalid_client', 700021, "Client assertion application identifier doesn't match 'client_id' parameter."));
  }
  // Strict audience: the assertion is for this tenant's own token endpoint ("Microsoft identity
  // platform certificate credentials": `aud` "should be https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token";
  // https://learn.microsoft.com/entra/identity-platform/certificate-credentials). The refusal is
  // AADSTS50013 InvalidAssertion ("Microsoft Entra authentication and authorization error codes",
  // https://learn.microsoft.com/entra/identity-platform/reference-error-codes); its wording here is
  // the one tenants report.
  const aud = stringClaim(payload, 'aud') ?? '';
  if (!expectedAudiences.includes(aud)) {
    return E.left(
      aadError(
        401,
        'invalid_client',
        50013,
        `Assertion audience claim does not match the required value. The audience in the assertion was '${aud}' and the expected audience is '${expectedAudiences[0] ?? ''}'.`,
      ),
    );
  }
  const exp = numberClaim(payload, 'exp');
  const nbf = numberClaim(payload, 'nbf') ?? numberClaim(payload, 'iat');
  if (exp === undefined || exp < nowS - SKEW_S || (nbf !== undefined && nbf > nowS + SKEW_S)) {
    return E.left(
      aadError(
        401,
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${new Date(nowS * 1000).toISOString()}, expiry time of assertion ${exp === undefined ? 'none' : new Date(exp * 1000).toISOString()}.`,
      ),
    );
  }
  return E.right(undefined);
};

export interface TokenRequest {
  readonly tenantKey: string;
  /** The emulator's root URL (`https://host:port/`): the tenant's token endpoints are under it. */
  readonly baseUrl: string;
  readonly form: Readonly<Record<string, string>>;
}

export interface TokenIssued {
  readonly tenant: EntraTenant;
  readonly app: EntraApp;
}

/** Validates a token request and authenticates the client. */
export const authenticateClient = (s: EntraState, r: TokenRequest, nowMs: number): E.Either<EntraOAuthError, TokenIssued> => {
  const tenant = findTenant(s, r.tenantKey);
  if (tenant === undefined) {
    return E.left(
      aadError(
        400,
        'invalid_request',
        90002,
        `Tenant '${r.tenantKey}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      ),
    );
  }
  const f = r.form;
  const grant = f['grant_type'];
  if (grant === undefined) return E.left(missing('grant_type'));
  if (grant !== 'client_credentials')
    return E.left(aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`));
  const clientId = f['client_id'];
  if (clientId === undefined) return E.left(missing('client_id'));
  const app = tenant.apps.get(clientId.toLowerCase());
  if (app === undefined) {
    return E.left(
      aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      ),
    );
  }
  const scope = f['scope'];
  if (scope === undefined) return E.left(missing('scope'));
  const resources = scope.split(/\s+/).filter((x) => x !== '' && !['openid', 'profile', 'offline_access'].includes(x));
  const [only] = resources;
  if (resources.length !== 1 || only === undefined || !only.endsWith('/.default')) {
    return E.left(
      aadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      ),
    );
  }
  const resource = only.slice(0, -'/.default'.length);
  if (resource !== GRAPH_RESOURCE && resource !== GRAPH_APP_ID && resource !== `${GRAPH_RESOURCE}/`) {
    return E.left(
      aadError(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}.`,
      ),
    );
  }
  const secret = f['client_secret'];
  const assertion = f['client_assertion'];
  if (secret !== undefined) {
    return app.secrets.some((x) => safeEqual(x, secret))
      ? E.right({ tenant, app })
      : E.left(
          aadError(
            401,
            'invalid_client',
            7000215,
            `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
          ),
        );
  }
  if (assertion !== undefined) {
    if (f['client_assertion_type'] !== ASSERTION_TYPE)
      return E.left(
        aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_assertion_type'."),
      );
    const endpoints = [...new Set([tenant.id, r.tenantKey.toLowerCase()])].flatMap((k) => [
      `${r.baseUrl}${k}/oauth2/v2.0/token`,
      `${r.baseUrl}${k}/oauth2/token`,
    ]);
    return E.map(() => ({ tenant, app }))(checkAssertion(app, assertion, nowMs / 1000, endpoints));
  }
  return E.left(
    aadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  );
};

export const mintAccessToken = (signer: Signer, issued: TokenIssued, nowMs: number, lifetimeSeconds: number): string => {
  const iat = Math.floor(nowMs / 1000);
  return signRs256(
    { kid: signer.kid, x5t: signer.kid },
    {
      aud: GRAPH_RESOURCE,
      iss: `https://sts.windows.net/${issued.tenant.id}/`,
      iat,
      nbf: iat,
      exp: iat + lifetimeSeconds,
      appid: issued.app.clientId,
      app_displayname: issued.app.displayName,
      idtyp: 'app',
      // The service principal's object id, as in Entra's app-only tokens.
      oid: issued.app.servicePrincipalId,
      wids: issued.app.directoryRoles.map(roleTemplateId),
      roles: issued.app.permissions,
      sub: issued.app.clientId,
      tid: issued.tenant.id,
      uti: randomUUID(),
      ver: '1.0',
    },
    signer.privateKey,
  );
};

export type TokenProblem = 'empty' | 'malformed' | 'signature' | 'audience' | 'expired' | 'tenant';

export const TOKEN_PROBLEM_MESSAGES: Readonly<Record<TokenProblem, string>> = {
  empty: 'Access token is empty.',
  malformed: 'IDX14100: JWT is not well formed, there are no dots (.).',
  signature: 'Access token validation failure. Invalid signature.',
  audience: 'Access token validation failure. Invalid audience.',
  expired: 'Lifetime validation failed, the token is expired.',
  tenant: 'Access token validation failure. Invalid tenant.',
};

export const verifyAccessToken = (
  signer: Signer,
  s: EntraState,
  token: string | undefined,
  nowMs: number,
): E.Either<TokenProblem, GraphToken> => {
  if (token === undefined || token === '') return E.left('empty');
  const jws = decodeJws(token);
  if (E.isLeft(jws)) return E.left('malformed');
  if (!verifyJws(jws.right, signer.publicKey)) return E.left('signature');
  const p = jws.right.payload;
  if (p['aud'] !== GRAPH_RESOURCE && p['aud'] !== GRAPH_APP_ID) return E.left('audience');
  const exp = numberClaim(p, 'exp') ?? 0;
  if (exp * 1000 <= nowMs) return E.left('expired');
  const tid = stringClaim(p, 'tid') ?? '';
  if (!s.tenants.has(tid)) return E.left('tenant');
  const roles = Array.isArray(p['roles']) ? p['roles'].filter((r): r is string => typeof r === 'string') : [];
  return E.right({ tenantId: tid, appId: stringClaim(p, 'appid') ?? '', roles, expiresAt: exp * 1000 });
};
