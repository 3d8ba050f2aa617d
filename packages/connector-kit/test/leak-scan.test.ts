import { leakScanner } from '@takeover/connector-kit/testing';

const secret = 'Cf-Zq8 "x\\é!/9aZ';

describe('leakScanner sees a secret however it was encoded', () => {
  const scanner = leakScanner([secret]);
  const bytes = Buffer.from(secret);

  it.each([0, 1, 2, 3, 4, 5])('base64 and base64url after %i other bytes', (k) => {
    const prefix = Buffer.from('qwertyuiop'.slice(0, k));
    for (const after of ['', 'y', 'yz']) {
      const all = Buffer.concat([prefix, bytes, Buffer.from(after)]);
      expect(scanner.find(`x ${all.toString('base64')} y`)?.encoding).toBe('base64');
      expect(scanner.find(all.toString('base64url'))?.encoding).toMatch(/^base64/);
    }
  });

  it.each([
    ['plain', `a ${secret} b`],
    ['hex', bytes.toString('hex')],
    ['HEX', `0x${bytes.toString('hex').toUpperCase()}`],
    ['url', `?p=${encodeURIComponent(secret)}`],
    ['url', `?p=${encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`],
    ['form', new URLSearchParams({ p: secret }).toString()],
    ['json', JSON.stringify({ p: secret })],
    ['json', JSON.stringify(JSON.stringify({ p: secret }))],
  ])('%s', (encoding, text) => {
    const hit = scanner.find(text);
    expect(hit?.encoding === encoding || (encoding === 'url' && hit?.encoding === 'form')).toBe(true);
    expect(scanner.scrub(text)).not.toContain(secret);
    expect(scanner.find(scanner.scrub(text))).toBeUndefined();
  });

  it('finds nothing in text that holds other secrets, and says which secret it found', () => {
    const two = leakScanner(['unrelated-Secret-1', secret]);
    expect(two.find(`${Buffer.from('other text entirely').toString('base64')} Cf-Zq8`)).toBeUndefined();
    expect(two.find(Buffer.from(`..${secret}`).toString('base64'))).toMatchObject({ secret: 1, encoding: 'base64' });
  });
});
