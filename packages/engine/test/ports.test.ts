import { systemClock, randomIds } from '@takeover/engine';
import { manualIds } from '@takeover/engine/testing';

test('ports: ids are fresh, the clock reads epoch ms', () => {
  expect(randomIds.next()).not.toBe(randomIds.next());
  expect(manualIds('c').next()).toBe('c-1');
  expect(typeof systemClock.now()).toBe('number');
});
