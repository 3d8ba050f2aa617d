import { Checkpoint } from '@takeover/event-store';
import {
  fromCheckpoint,
  fromEsdbVersion,
  isHidden,
  toCheckpoint,
  toEsdbExpected,
  toEsdbId,
  toStoredRow,
  translateError,
} from '@takeover/event-store-eventstoredb/testing';

describe('EventStoreDB mapping (no server needed)', () => {
  it("maps expected versions to the client's expected revisions", () => {
    expect(toEsdbExpected('any')).toBe('any');
    expect(toEsdbExpected('no-stream')).toBe('no_stream');
    expect(toEsdbExpected('stream-exists')).toBe('stream_exists');
    expect(toEsdbExpected(7)).toBe(7n);
  });

  it('maps WrongExpectedVersionError to VersionConflict with expected and actual', () => {
    const wrong = { type: 'wrong-expected-version', streamName: 's', expectedVersion: 3n, actualVersion: 5n, message: 'wrong' };
    expect(translateError('s', 3, wrong)).toEqual({ _tag: 'VersionConflict', streamId: 's', expected: 3, actual: 5 });
    const missing = { ...wrong, expectedVersion: 'stream_exists', actualVersion: 'no_stream' };
    expect(translateError('s', 'stream-exists', missing)).toEqual({
      _tag: 'VersionConflict',
      streamId: 's',
      expected: 'stream-exists',
      actual: 'no-stream',
    });
    expect(fromEsdbVersion('no_stream')).toBe('no-stream');
  });

  it('maps every other client error to StoreUnavailable without payload', () => {
    expect(translateError('s', 'any', { type: 'unavailable', code: 14, message: 'No connection established' })).toEqual({
      _tag: 'StoreUnavailable',
      message: 'No connection established',
    });
    expect(translateError('s', 'any', { type: 'deadline-exceeded', message: 'Deadline exceeded' })).toMatchObject({
      _tag: 'StoreUnavailable',
    });
  });

  it('round-trips $all positions through the opaque checkpoint', () => {
    const c = toCheckpoint({ commit: 12345678901234n, prepare: 12345678901000n });
    expect(c).toBe('12345678901234/12345678901000');
    expect(fromCheckpoint(c)).toEqual({ commit: 12345678901234n, prepare: 12345678901000n });
    expect(fromCheckpoint(Checkpoint.start)).toBe('start');
    expect(() => fromCheckpoint(Checkpoint.unsafeOf('7'))).toThrow(TypeError);
  });

  it('keeps UUID event ids and turns any other id into a stable UUIDv5', () => {
    const uuid = '0b3c5d6e-7f80-4a1b-9c2d-3e4f5a6b7c8d';
    expect(toEsdbId(uuid)).toBe(uuid);
    const derived = toEsdbId('push-42-user-7');
    expect(derived).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(toEsdbId('push-42-user-7')).toBe(derived);
    expect(toEsdbId('push-43-user-7')).not.toBe(derived);
  });

  const recorded = {
    streamId: 'user-1',
    id: '0b3c5d6e-7f80-4a1b-9c2d-3e4f5a6b7c8d',
    revision: 4n,
    type: 'Counted',
    created: new Date(0),
    isJson: true,
    data: { n: 1 },
    metadata: { takeoverId: 'e-1', metadata: { by: 'x' } },
    position: { commit: 10n, prepare: 9n },
  };

  it('unwraps the id and metadata envelope of a recorded event', () => {
    expect(toStoredRow(recorded)).toEqual({
      _tag: 'Right',
      right: {
        id: 'e-1',
        streamId: 'user-1',
        revision: 4,
        position: '10/9',
        recordedAt: new Date(0),
        type: 'Counted',
        data: { n: 1 },
        metadata: { by: 'x' },
        parsed: true,
      },
    });
  });

  it('reports bytes that are not JSON as CorruptEvent with stream and revision', () => {
    const bad = { ...recorded, isJson: false, data: new TextEncoder().encode('{not json') };
    expect(toStoredRow(bad)).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'CorruptEvent', streamId: 'user-1', revision: 4, position: '10/9' },
    });
  });

  it('hides system and checkpoint streams from the global order', () => {
    expect(isHidden('$stats-127.0.0.1:2113', 'x')).toBe(true);
    expect(isHidden('user-1', '$metadata')).toBe(true);
    expect(isHidden('takeover-checkpoint-audit', 'CheckpointStored')).toBe(true);
    expect(isHidden('user-1', 'Counted')).toBe(false);
  });
});
