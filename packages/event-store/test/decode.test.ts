import * as t from 'io-ts';
import { inMemoryEventStore, isCorruptEvent } from '@takeover/event-store';
import { leftOf } from '@takeover/event-store/testing';

describe('decoding on read', () => {
  it('names the failing path and expected type but never the stored value', async () => {
    const store = inMemoryEventStore();
    await store.appendToStream('s', [{ id: 'a', type: 'Profile', data: { email: 'secret-looking-value' } }])();
    const Profile = t.type({ type: t.literal('Profile'), data: t.type({ email: t.number }), metadata: t.unknown });
    const error = await leftOf(store.readStream('s', { decoder: Profile }));
    expect(isCorruptEvent(error)).toBe(true);
    if (!isCorruptEvent(error)) return;
    expect(error.message).toContain('data.email');
    expect(error.message).toContain('number');
    expect(error.message).not.toContain('secret-looking-value');
  });

  it('accepts any { decode } returning an Either, not only io-ts', async () => {
    const store = inMemoryEventStore();
    await store.appendToStream('s', [{ id: 'a', type: 'T', data: 1 }])();
    const r = await store.readStream('s', { decoder: { decode: (raw) => ({ _tag: 'Right', right: raw.type }) } })();
    expect(r).toMatchObject({ _tag: 'Right', right: [{ event: 'T' }] });
  });
});
