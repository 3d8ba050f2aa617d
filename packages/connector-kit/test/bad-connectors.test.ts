import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { reveal, isSecret, Secret } from '@takeover/core';
import type { ConnectorError, DirectoryConnector } from '@takeover/connector-kit';
import { permanent } from '@takeover/connector-kit';
import type { ConformanceFactory } from '@takeover/connector-kit/testing';
import {
  conformanceCheck,
  conformanceChecks,
  inMemoryDirectory,
  runConformance,
  runConformanceCheck,
} from '@takeover/connector-kit/testing';

/** A factory whose connector is the in-memory one, altered by `spoil`. */
const spoiled =
  (spoil: (c: DirectoryConnector) => Partial<DirectoryConnector>): ConformanceFactory =>
  ({ logger }) => {
    const fixture = inMemoryDirectory({ logger });
    return Promise.resolve({ ...fixture, connector: { ...fixture.connector, ...spoil(fixture.connector) } });
  };

const passwordOf = (p: unknown): string => (isSecret(p) ? reveal(p) : '');

describe('the conformance suite fails bad connectors', () => {
  it('fails a connector that puts the password into an error message', async () => {
    const leaky = spoiled((good) => ({
      push: (r) =>
        TE.mapLeft((e: ConnectorError): ConnectorError => ({
          ...e,
          provider: { ...e.provider, message: `${e.provider.message} (password was ${passwordOf(r.password)})` },
        }))(good.push(r)),
    }));
    const result = await runConformanceCheck(conformanceCheck('provider fault policy-reject → permanent/policy-rejected'), leaky);
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.message).toMatch(/plaintext password leaked \(R14\) into: error/);
    expect(result.status === 'failed' && result.message).not.toMatch(/Cf-/); // the report does not repeat it
  });

  it('fails a connector that logs the password', async () => {
    const chatty: ConformanceFactory = ({ logger }) => {
      const fixture = inMemoryDirectory({ logger });
      const push: DirectoryConnector['push'] = (r) => {
        logger.info('pushing', { password: passwordOf(r.password) });
        return fixture.connector.push(r);
      };
      return Promise.resolve({ ...fixture, connector: { ...fixture.connector, push } });
    };
    const result = await runConformanceCheck(conformanceCheck('a push sets the password, which the directory then accepts'), chatty);
    expect(result).toEqual({ status: 'failed', message: expect.stringMatching(/leaked \(R14\) into: logger\.info/) as unknown });
  });

  it('fails a connector that writes the password to the console or throws it', async () => {
    const noisy = spoiled((good) => ({
      push: (r) => () => {
        console.error('push failed for', passwordOf(r.password));
        return r.revokeSessions === true ? Promise.reject(new Error(`boom ${passwordOf(r.password)}`)) : good.push(r)();
      },
    }));
    const result = await runConformanceCheck(
      conformanceCheck('sessions are ended only when asked (and reported unsupported where the directory cannot)'),
      noisy,
    );
    expect(result.status === 'failed' && result.message).toMatch(/rejected instead of returning a ConnectorError.*console\.error.*thrown/s);
  });

  it('fails a connector that misclassifies an error', async () => {
    const confused = spoiled((good) => ({
      push: (r) =>
        TE.mapLeft((e: ConnectorError): ConnectorError =>
          e._tag === 'retryable' && e.reason === 'throttled' ? permanent('invalid', e.provider) : e,
        )(good.push(r)),
    }));
    const result = await runConformanceCheck(conformanceCheck('provider fault throttle → retryable/throttled'), confused);
    expect(result).toEqual({
      status: 'failed',
      message: expect.stringMatching(/must map to retryable\/throttled, got permanent\/invalid/) as unknown,
    });
    // …and only that: every other check still passes.
    const failed = (await runConformance(confused)).filter((r) => r.result.status === 'failed').map((r) => r.name);
    expect(failed).toEqual(['provider fault throttle → retryable/throttled']);
  });

  it('fails a connector that drops the Retry-After hint', async () => {
    const forgetful = spoiled((good) => ({
      push: (r) =>
        TE.mapLeft((e: ConnectorError): ConnectorError =>
          e._tag === 'retryable' ? { _tag: e._tag, reason: e.reason, provider: e.provider } : e,
        )(good.push(r)),
    }));
    const result = await runConformanceCheck(conformanceCheck('provider fault throttle → retryable/throttled'), forgetful);
    expect(result.status === 'failed' && result.message).toMatch(/retryAfter 7000/);
  });

  it('fails a connector that retries on its own (one retry layer)', async () => {
    const eager = spoiled((good) => ({
      push: (r) => TE.orElse(() => good.push(r))(good.push(r)),
    }));
    const result = await runConformanceCheck(conformanceCheck('provider fault unavailable → retryable/server'), eager);
    expect(result.status === 'failed' && result.message).toMatch(/retried on its own/);
  });

  it('fails a connector that revokes sessions unasked', async () => {
    const heavy = spoiled((good) => ({ push: (r) => good.push({ ...r, revokeSessions: true }) }));
    const result = await runConformanceCheck(
      conformanceCheck('sessions are ended only when asked (and reported unsupported where the directory cannot)'),
      heavy,
    );
    expect(result.status).toBe('failed');
  });
});

const classOf = (e: ConnectorError): string => (e._tag === 'auth' ? 'auth' : `${e._tag}/${e.reason}`);

/** Push errors of class `cls` come back as permanent/invalid. */
const misclassifies = (cls: string) =>
  spoiled((good) => ({
    push: (r) =>
      TE.mapLeft((e: ConnectorError): ConnectorError => (classOf(e) === cls ? permanent('invalid', e.provider) : e))(good.push(r)),
  }));

/** Creates missing accounts (through the good connector), then gives each the same `password`. */
const fixedPassword = (password: string) =>
  spoiled((good) => ({
    resolve: (r) =>
      pipe(
        good.resolve(r),
        TE.chainFirst((res) =>
          res.how === 'created'
            ? TE.map(() => undefined)(good.push({ externalId: res.externalId, password: Secret.of(password) }))
            : TE.right(undefined),
        ),
      ),
  }));

/** A connector that logs (or writes) the password in some form through `leak`. */
const leaking =
  (leak: (password: string, logger: { info: (m: string, f?: Readonly<Record<string, unknown>>) => void }) => void): ConformanceFactory =>
  ({ logger }) => {
    const fixture = inMemoryDirectory({ logger });
    const push: DirectoryConnector['push'] = (r) => {
      if (isSecret(r.password)) leak(reveal(r.password), logger);
      return fixture.connector.push(r);
    };
    return Promise.resolve({ ...fixture, connector: { ...fixture.connector, push } });
  };

const b64 = (s: string, prefix = ''): string => Buffer.from(prefix + s).toString('base64');

/** Every check of the suite, with a connector that breaks exactly the promise that check holds it to. */
const spoilers: Readonly<Record<string, ConformanceFactory>> = {
  'describe names the directory': spoiled((good) => ({
    describe: () =>
      TE.map((d: { kind: string; displayName: string; domain: string }) => ({ ...d, domain: 'other-tenant.example' }))(good.describe()),
  })),
  'resolve finds the account by external key': spoiled((good) => ({ resolve: ({ primaryEmail }) => good.resolve({ primaryEmail }) })),
  'resolve finds the account by primary email when no key is given': spoiled((good) => ({
    resolve: (r) =>
      r.externalKey === undefined && r.create === undefined
        ? TE.left(permanent('not-found', { message: 'no such user' }))
        : good.resolve(r),
  })),
  'resolve with a key the directory does not know is not-found (no guess by email)': spoiled((good) => ({
    resolve: (r) => TE.orElse(() => good.resolve({ primaryEmail: r.primaryEmail }))(good.resolve(r)),
  })),
  'resolve does not create an account unless asked: not-found': spoiled((good) => ({
    resolve: (r) => good.resolve({ ...r, create: r.create ?? { primaryEmail: r.primaryEmail, givenName: 'Un', familyName: 'Asked' } }),
  })),
  'resolve creates a missing account when allowed (if the connector can), with a password nobody knows': fixedPassword('Password1!'),
  'accounts created for missing users get passwords nobody knows: no two alike, none guessable': fixedPassword('Tq8#unguessable-but-fixed'),
  'a push sets the password, which the directory then accepts': spoiled((good) => ({
    push: ({ password: _dropped, ...r }) =>
      TE.map((o: { passwordSet: boolean }) => ({ ...o, passwordSet: true }))(good.push(r)) as ReturnType<DirectoryConnector['push']>,
  })),
  'an attribute-only push changes the attributes and leaves the password untouched': spoiled((good) => ({
    push: ({ attributes: _dropped, ...r }) => good.push(r),
  })),
  'sessions are ended only when asked (and reported unsupported where the directory cannot)': spoiled((good) => ({
    push: (r) => good.push({ ...r, revokeSessions: true }),
  })),
  'suspend and reactivate': spoiled(() => ({ reactivate: () => TE.right(undefined) })),
  'a hashed password is taken or refused as declared': spoiled((good) => ({
    push: (r) =>
      r.password !== undefined && !isSecret(r.password)
        ? TE.right({ passwordSet: true, sessions: 'not-requested', sessionsEnded: false })
        : good.push(r),
  })),
  'checkPassword reports violations for a password no policy takes, none for a good one': spoiled(() => ({
    checkPassword: () => TE.right([]),
  })),
  'checkPassword flags every password the directory itself refuses': spoiled(() => ({
    checkPassword: (p) => TE.right([...reveal(p)].length < 2 ? [{ rule: 'too-short' }] : []),
  })),
  'provider fault not-found → permanent/not-found': misclassifies('permanent/not-found'),
  'provider fault policy-reject → permanent/policy-rejected': misclassifies('permanent/policy-rejected'),
  'provider fault forbidden → permanent/forbidden': misclassifies('permanent/forbidden'),
  'provider fault auth → auth': misclassifies('auth'),
  'provider fault throttle → retryable/throttled': misclassifies('retryable/throttled'),
  'provider fault unavailable → retryable/server': misclassifies('retryable/server'),
  'provider fault timeout → retryable/timeout': misclassifies('retryable/timeout'),
  'provider fault connection-reset → retryable/connection': misclassifies('retryable/connection'),
  'faults surface from every operation, not only push': spoiled((good) => ({
    reactivate: (id) =>
      TE.orElse((e: ConnectorError) => (e._tag === 'retryable' ? TE.right<ConnectorError, void>(undefined) : TE.left(e)))(
        good.reactivate(id),
      ),
  })),
  'a push to an account the directory does not have is permanent/not-found': spoiled((good) => ({
    push: (r) =>
      TE.mapLeft((e: ConnectorError): ConnectorError => (classOf(e) === 'permanent/not-found' ? permanent('forbidden', e.provider) : e))(
        good.push(r),
      ),
  })),
  'a provider message quoting the password reaches nobody unscrubbed': spoiled((good) => ({
    push: (r) =>
      TE.mapLeft((e: ConnectorError): ConnectorError =>
        classOf(e) === 'permanent/policy-rejected'
          ? { ...e, provider: { ...e.provider, message: `${e.provider.message} [${b64(passwordOf(r.password), 'x')}]` } }
          : e,
      )(good.push(r)),
  })),
  'an ambiguous password set can be resolved: `ask` connectors read when the password last changed': spoiled(() => ({
    lastPasswordChange: () => TE.right(new Date(0)),
  })),
  'external changes: a password the user changed in the directory is reported (at login and in a sweep)': spoiled(() => ({
    externalPasswordChange: () => TE.right(null),
  })),
  // Dates what it read by the time of reading (not the directory's time of the change): our own push looks like a later change.
  'external changes: our own push is never reported as a later change': spoiled(() => ({
    externalPasswordChange: (id) => TE.right({ externalId: id, changedAt: new Date(Date.now() + 1) }),
  })),
  'diagnose finds nothing missing in a directory configured as the connector needs': spoiled(() => ({
    diagnose: () =>
      TE.right([
        {
          area: 'permission' as const,
          name: 'User.ReadWrite.All',
          status: 'missing' as const,
          detail: 'User.ReadWrite.All is not granted',
        },
      ]),
  })),
};

describe('every conformance check fails something', () => {
  it('has a spoiler for each check, and no spoiler for a check that does not exist', () => {
    expect(Object.keys(spoilers).sort()).toEqual(conformanceChecks.map((c) => c.name).sort());
  });

  it.each(conformanceChecks.map((c) => [c.name]))('%s: fails its spoiled connector', async (name) => {
    const factory = spoilers[name];
    if (factory === undefined) throw new Error(`no spoiler for ${name}`);
    const result = await runConformanceCheck(conformanceCheck(name), factory);
    expect(result.status).toBe('failed');
    // …and the good connector passes the same check: the failure is the spoiler's.
    expect(await runConformanceCheck(conformanceCheck(name), ({ logger }) => Promise.resolve(inMemoryDirectory({ logger })))).toEqual({
      status: 'passed',
    });
  });
});

describe('the leak search sees encodings and every channel', () => {
  const pushCheck = conformanceCheck('a push sets the password, which the directory then accepts');
  it.each<[string, (password: string, logger: { info: (m: string, f?: Readonly<Record<string, unknown>>) => void }) => void, RegExp]>([
    ['base64 (unaligned)', (p, log) => log.info(`token=${b64(p, 'u:')}`), /logger\.info \(base64 at/],
    ['base64url', (p, log) => log.info(Buffer.from(`z${p}`).toString('base64url')), /logger\.info \(base64(url)? at/],
    ['form-encoded', (p, log) => log.info(new URLSearchParams({ password: p }).toString()), /logger\.info \(form at/],
    ['percent-encoded', (p, log) => log.info(`/login?pw=${encodeURIComponent(p)}`), /logger\.info \(url at/],
    ['hex', (p, log) => log.info(Buffer.from(p).toString('hex').toUpperCase()), /logger\.info \(HEX at/],
    ['JSON-escaped inside JSON', (p, log) => log.info(JSON.stringify({ body: JSON.stringify({ password: p }) })), /logger\.info \(json at/],
    ['process.stderr.write', (p) => process.stderr.write(`debug: ${p}\n`), /process\.stderr\.write \(plain at/],
    ['process.stdout.write, base64', (p) => process.stdout.write(`${b64(p, 'ab')}\n`), /process\.stdout\.write \(base64 at/],
  ])('fails a connector that leaks the password %s', async (_, leak, where) => {
    const result = await runConformanceCheck(pushCheck, leaking(leak));
    expect(result).toEqual({ status: 'failed', message: expect.stringMatching(where) as unknown });
    expect(result.status === 'failed' && result.message).not.toMatch(/Cf-/);
  });
});
