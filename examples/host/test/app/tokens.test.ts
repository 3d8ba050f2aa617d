import type { UserId } from '@takeover/core';
import { directoryId } from '@takeover/core';
import { activationTokens, hashToken, newSessionToken, sameSecret } from '../../src/app/tokens.js';
import { createMetrics } from '../../src/wiring/metrics.js';

test('activation tokens: the user back while valid; a tampered, foreign-key or expired token is nothing', () => {
  let now = 1_800_000_000_000;
  const tokens = activationTokens('key-1', () => now, 60_000);
  const t = tokens.mint('user-42' as UserId);
  expect(t).toMatch(/^[A-Za-z0-9_-]+\.\d+\.\d+\.[A-Za-z0-9_-]+$/);
  expect(tokens.verify(t)).toBe('user-42');
  expect(tokens.verifyIssued(t)).toEqual({ userId: 'user-42', issuedAt: now });
  const [u, exp, issued, mac] = t.split('.') as [string, string, string, string];
  expect(tokens.verify(`${u}.${Number(exp) + 1000}.${issued}.${mac}`)).toBeUndefined();
  expect(tokens.verify(`${u}.${exp}.${Number(issued) + 1}.${mac}`)).toBeUndefined();
  expect(tokens.verify(`${Buffer.from('user-43').toString('base64url')}.${exp}.${issued}.${mac}`)).toBeUndefined();
  expect(tokens.verify(`${t}x`)).toBeUndefined();
  expect(tokens.verify('')).toBeUndefined();
  expect(tokens.verify('a.b')).toBeUndefined();
  expect(activationTokens('key-2', () => now, 60_000).verify(t)).toBeUndefined();
  now += 61_000;
  expect(tokens.verify(t)).toBeUndefined();
});

test('session tokens are random, stored as a SHA-256 hex; secrets compare in constant time', () => {
  const a = newSessionToken();
  expect(a).not.toBe(newSessionToken());
  expect(a.length).toBeGreaterThanOrEqual(43);
  expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
  expect(hashToken(a)).not.toContain(a);
  expect(sameSecret('k'.repeat(40), 'k'.repeat(40))).toBe(true);
  expect(sameSecret('k'.repeat(40), 'k'.repeat(39))).toBe(false);
});

test('the engine metrics adapter: counters, gauge and histogram labelled by directory and outcome only', async () => {
  const m = createMetrics();
  m.engine.pushCompleted(directoryId('google'), 'succeeded', 120);
  m.engine.pushCompleted(directoryId('google'), 'retryable', 2500);
  m.engine.queueDepth(directoryId('microsoft'), 3);
  m.engine.throttled(directoryId('microsoft'), 1000);
  m.engine.retried(directoryId('google'));
  const text = await m.registry.metrics();
  expect(text).toContain('takeover_pushes_total{directory="google",outcome="succeeded"} 1');
  expect(text).toContain('takeover_pushes_total{directory="google",outcome="retryable"} 1');
  expect(text).toContain('takeover_push_duration_seconds_bucket{le="0.25",directory="google",outcome="succeeded"} 1');
  expect(text).toContain('takeover_directory_queue_depth{directory="microsoft"} 3');
  expect(text).toContain('takeover_directory_throttled_total{directory="microsoft"} 1');
  expect(text).toContain('takeover_push_retries_total{directory="google"} 1');
  expect(text).toContain('process_cpu_user_seconds_total');
});
