import { directoriesFrom, directoryDecider, directoryId, fold, msBetween, isoTime, toEpochMs } from '@takeover/core';
import type { DirectoryCommand, DirectoryEvent } from '@takeover/core';
import { cid, specification, t } from '@takeover/core/testing';

const D = directoryId('m365');
const given = (events: ReadonlyArray<DirectoryEvent>) => specification(directoryDecider, undefined).given(events);
const connect = (minute: number, policy = {}): DirectoryCommand => ({
  type: 'ConnectDirectory',
  commandId: cid(),
  directoryId: D,
  kind: 'microsoft-entra',
  displayName: 'Microsoft 365',
  domain: 'contoso.com',
  policy,
  at: t(minute),
});
const defaults = {
  passwordPush: 'every-push',
  revokeSessionsOnPush: false,
  passwordPolicy: { kind: 'microsoft-entra' },
  createMissingUsers: true,
  onUnbind: 'suspend',
  onSuspend: 'suspend',
};
const connected = (): ReadonlyArray<DirectoryEvent> => {
  const r = directoryDecider.decide(connect(0), directoryDecider.initialState, undefined);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

describe('the directory stream', () => {
  test('connecting fills the policy defaults for the kind', () => {
    given([])
      .when(connect(0))
      .then([
        {
          type: 'DirectoryConnected',
          data: {
            directoryId: D,
            kind: 'microsoft-entra',
            displayName: 'Microsoft 365',
            domain: 'contoso.com',
            policy: defaults,
            at: t(0),
          },
        },
      ]);
  });

  test('connecting again with the same settings decides nothing; with others it is refused', () => {
    given(connected()).when(connect(5)).then([]);
    given(connected())
      .when(connect(5, { passwordPush: 'when-changed' }))
      .then({ _tag: 'DirectoryAlreadyConnected' });
  });

  test('a policy change records the new policy and which fields changed', () => {
    given(connected())
      .when({
        type: 'ChangeDirectoryPolicy',
        commandId: cid(),
        directoryId: D,
        policy: { passwordPush: 'when-changed', revokeSessionsOnPush: true },
        at: t(1),
      })
      .then([
        {
          type: 'DirectoryPolicyChanged',
          data: {
            directoryId: D,
            policy: { ...defaults, passwordPush: 'when-changed', revokeSessionsOnPush: true },
            changed: ['passwordPush', 'revokeSessionsOnPush'],
            at: t(1),
          },
        },
      ]);
  });

  test('a change to the same values decides nothing', () => {
    given(connected())
      .when({ type: 'ChangeDirectoryPolicy', commandId: cid(), directoryId: D, policy: { onUnbind: 'suspend' }, at: t(1) })
      .then([]);
  });

  test('disconnecting, twice', () => {
    const command: DirectoryCommand = { type: 'DisconnectDirectory', commandId: cid(), directoryId: D, at: t(2) };
    given(connected())
      .when(command)
      .then([{ type: 'DirectoryDisconnected', data: { directoryId: D, at: t(2) } }]);
    given([...connected(), { type: 'DirectoryDisconnected', data: { directoryId: D, at: t(2) } }])
      .when(command)
      .then([]);
    given([]).when(command).then({ _tag: 'DirectoryNotConnected' });
  });

  test('directoriesFrom keeps only connected directories', () => {
    const state = fold(directoryDecider, connected());
    const gone = fold(directoryDecider, [
      ...connected(),
      { type: 'DirectoryDisconnected', data: { directoryId: directoryId('m365'), at: t(2) } },
    ]);
    expect(Object.keys(directoriesFrom([gone, directoryDecider.initialState]))).toEqual([]);
    expect(Object.keys(directoriesFrom([state]))).toEqual(['m365']);
  });
});

describe('time without a clock', () => {
  test('ISO-8601 with offsets and fractions', () => {
    expect(toEpochMs(isoTime('1970-01-01T00:00:00Z'))).toBe(0);
    expect(toEpochMs(isoTime('2026-11-28T13:30:00.250Z'))).toBe(Date.UTC(2026, 10, 28, 13, 30, 0, 250));
    expect(toEpochMs(isoTime('2024-02-29T01:00:00+01:00'))).toBe(Date.UTC(2024, 1, 29, 0, 0, 0));
    expect(msBetween(isoTime('2026-01-01T00:00:00Z'), isoTime('2025-12-31T23:59:00-00:30'))).toBe(29 * 60_000);
  });

  test('rejects impossible dates', () => {
    expect(() => isoTime('2026-02-30T00:00:00Z')).toThrow();
    expect(() => isoTime('2026-01-01 00:00:00')).toThrow();
  });
});
