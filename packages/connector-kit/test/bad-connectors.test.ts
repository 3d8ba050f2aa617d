import * as TE from 'fp-ts/lib/TaskEither.js';
import { reveal, isSecret } from '@takeover/core';
import type { ConnectorError, DirectoryConnector } from '@takeover/connector-kit';
import { permanent } from '@takeover/connector-kit';
import type { ConformanceFactory } from '@takeover/connector-kit/testing';
import { conformanceCheck, inMemoryDirectory, runConformance, runConformanceCheck } from '@takeover/connector-kit/testing';

/** A factory whose connector is the in-memory one, altered by `spoil`. */
const spoiled = (spoil: (c: DirectoryConnector) => Partial<DirectoryConnector>): ConformanceFactory => ({ logger }) => {
  const fixture = inMemoryDirectory({ logger });
  return Promise.resolve({ ...fixture, connector: { ...fixture.connector, ...spoil(fixture.connector) } });
};

const passwordOf = (p: unknown): string => (isSecret(p) ? reveal(p) : '');

describe('the conformance suite fails bad connectors', () => {
  it('fails a connector that puts the password into an error message', async () => {
    const leaky = spoiled((good) => ({
      push: (r) => TE.mapLeft((e: ConnectorError): ConnectorError =>
        ({ ...e, provider: { ...e.provider, message: `${e.provider.message} (password was ${passwordOf(r.password)})` } }))(good.push(r)),
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
    const result = await runConformanceCheck(conformanceCheck('sessions are ended only when asked (and reported unsupported where the directory cannot)'), noisy);
    expect(result.status === 'failed' && result.message).toMatch(/rejected instead of returning a ConnectorError.*console\.error.*thrown/s);
  });

  it('fails a connector that misclassifies an error', async () => {
    const confused = spoiled((good) => ({
      push: (r) => TE.mapLeft((e: ConnectorError): ConnectorError =>
        e._tag === 'retryable' && e.reason === 'throttled' ? permanent('invalid', e.provider) : e)(good.push(r)),
    }));
    const result = await runConformanceCheck(conformanceCheck('provider fault throttle → retryable/throttled'), confused);
    expect(result).toEqual({ status: 'failed', message: expect.stringMatching(/must map to retryable\/throttled, got permanent\/invalid/) as unknown });
    // …and only that: every other check still passes.
    const failed = (await runConformance(confused)).filter((r) => r.result.status === 'failed').map((r) => r.name);
    expect(failed).toEqual(['provider fault throttle → retryable/throttled']);
  });

  it('fails a connector that drops the Retry-After hint', async () => {
    const forgetful = spoiled((good) => ({
      push: (r) => TE.mapLeft((e: ConnectorError): ConnectorError => (e._tag === 'retryable' ? { _tag: e._tag, reason: e.reason, provider: e.provider } : e))(good.push(r)),
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
    const result = await runConformanceCheck(conformanceCheck('sessions are ended only when asked (and reported unsupported where the directory cannot)'), heavy);
    expect(result.status).toBe('failed');
  });
});
