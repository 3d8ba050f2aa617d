import * as E from 'fp-ts/lib/Either.js';
import { decodeDirectoryEvent, decodeEvent, decodeUserEvent, eventDecoder, userEventCodecs } from '@takeover/core';
import type { RawEvent } from '@takeover/core';
import { t } from '@takeover/core/testing';

const bound = {
  type: 'UserBound',
  data: { userId: 'u1', directoryId: 'google', generation: 1, origin: 'admin', by: { role: 'admin' }, at: t(1) },
  metadata: { schemaVersion: 1 },
};
const message = (raw: unknown) => {
  const r = decodeEvent(raw);
  return E.isLeft(r) ? r.left.message : 'decoded';
};

describe('decodeEvent: readable errors naming the event type, the field path and the reason', () => {
  test('a valid event decodes', () => {
    expect(decodeUserEvent(bound)).toEqual(E.right(bound));
  });

  test('a wrong field', () => {
    expect(message({ ...bound, data: { ...bound.data, directoryId: 42 } })).toBe(
      'Cannot decode UserBound: UserBound.data.directoryId: expected a non-empty string, got 42',
    );
  });

  test('a missing field and an unknown enum value, together', () => {
    const { at: _at, ...noTime } = bound.data;
    expect(message({ ...bound, data: { ...noTime, origin: 'magic' } })).toBe(
      'Cannot decode UserBound: UserBound.data.at: missing (expected an ISO-8601 date-time such as 2026-11-28T13:30:00Z); UserBound.data.origin: expected one of "admin", "import", got "magic"',
    );
  });

  test('a decode error lists each field as a path and a message (prose); an unresolved reason must be a code', () => {
    const unresolved = {
      type: 'ExternalAccountUnresolved',
      data: { userId: 'u1', directoryId: 'google', generation: 1, reason: 'no account, sorry', detail: 'Not found.', at: t(1) },
      metadata: { schemaVersion: 1 },
    };
    const r = decodeUserEvent(unresolved);
    expect(E.isLeft(r) && r.left.problems).toEqual([
      {
        path: 'ExternalAccountUnresolved.data.reason',
        message: 'expected one of "not-found", "creation-disabled", "policy-rejected", "forbidden", "invalid", got "no account, sorry"',
      },
    ]);
    expect(decodeUserEvent({ ...unresolved, data: { ...unresolved.data, reason: 'creation-disabled' } })).toEqual(
      E.right({ ...unresolved, data: { ...unresolved.data, reason: 'creation-disabled' } }),
    );
  });

  test('nested objects and arrays', () => {
    const changed = {
      type: 'AttributesChanged',
      data: { userId: 'u1', changed: { email: 'nope' }, cleared: ['givenName', 7], recordVersion: 2, by: { role: 'admin' }, at: t(2) },
    };
    expect(message(changed)).toBe(
      'Cannot decode AttributesChanged: AttributesChanged.data.changed.email: expected an email address such as ada@example.com, got "nope"; AttributesChanged.data.cleared[1]: expected one of "email", "givenName", "familyName", "displayName", "jobTitle", "department", "mobilePhone", "officeLocation", "employeeId", got 7',
    );
  });

  test('optional attributes are validated too', () => {
    const changed = {
      type: 'AttributesChanged',
      data: { userId: 'u1', changed: { jobTitle: '' }, cleared: [], recordVersion: 2, by: { role: 'user' }, at: t(2) },
    };
    expect(message(changed)).toBe(
      'Cannot decode AttributesChanged: AttributesChanged.data.changed.jobTitle: expected a non-empty string, got ""',
    );
  });

  test('an unknown type, with the stream and position', () => {
    const r = decodeEvent({ type: 'UserTeleported', data: {} }, { stream: 'user-u1', position: 7 });
    expect(r).toMatchObject({ left: { _tag: 'DecodeError', eventType: 'UserTeleported', origin: { stream: 'user-u1', position: 7 } } });
    expect(E.isLeft(r) && r.left.message).toBe(
      'Cannot decode UserTeleported (stream user-u1, position 7): type: unknown event type "UserTeleported"',
    );
  });

  test('a directory event on the user decoder is unknown there', () => {
    expect(E.isLeft(decodeUserEvent({ type: 'DirectoryDisconnected', data: { directoryId: 'd', at: t(1) } }))).toBe(true);
    expect(E.isRight(decodeDirectoryEvent({ type: 'DirectoryDisconnected', data: { directoryId: 'd', at: t(1) } }))).toBe(true);
  });

  test('a version from the future is refused, not misread', () => {
    expect(message({ ...bound, metadata: { schemaVersion: 9 } })).toMatch(/version 9 was written by a newer Takeover/);
  });

  test('not an event at all', () => {
    expect(message(null)).toBe('Cannot decode event: type: expected an event type name, got object');
  });
});

describe('upcasters: an older schema version is rewritten before decoding', () => {
  // Pretend PortalLogin v2 renamed `at` from v1's `time`.
  const v2 = userEventCodecs.map((c) =>
    c.eventType === 'PortalLogin' ? Object.assign(Object.create(c) as typeof c, { schemaVersion: 2 }) : c,
  );
  const decode = eventDecoder(v2, {
    PortalLogin: {
      1: (raw: RawEvent) => {
        const { time, ...rest } = raw.data as { time: string };
        return { ...raw, data: { ...rest, at: time } };
      },
    },
  });

  test('v1 is upcast to v2', () => {
    expect(decode({ type: 'PortalLogin', data: { userId: 'u1', time: t(1) }, metadata: { schemaVersion: 1 } })).toEqual(
      E.right({ type: 'PortalLogin', data: { userId: 'u1', at: t(1) }, metadata: { schemaVersion: 2 } }),
    );
  });

  test('a missing upcaster is an error, not a skip', () => {
    const r = eventDecoder(v2, {})({ type: 'PortalLogin', data: { userId: 'u1', time: t(1) } });
    expect(E.isLeft(r) && r.left.message).toMatch(/no upcaster from version 1/);
  });
});
