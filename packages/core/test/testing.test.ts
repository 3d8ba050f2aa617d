import { given, t } from '@takeover/core/testing';
import { GOOD, U, c, ctx, history } from './support.js';

describe('the given/when/then helper', () => {
  const h = history(c.create(0, 'active', GOOD));

  test('fails on different events', () => {
    expect(() =>
      given(h, ctx)
        .when(c.login(1))
        .then([{ type: 'PortalLogin', data: { userId: U, at: t(2) } }]),
    ).toThrow(/events differ/);
  });

  test('fails when an error was expected', () => {
    expect(() => given(h, ctx).when(c.login(1)).then({ _tag: 'CannotLogIn' })).toThrow(/expected an error/);
  });

  test('fails on a different error', () => {
    expect(() => given(h, ctx).when(c.create(5)).then({ _tag: 'CannotLogIn' })).toThrow(/_tag differs/);
  });
});
