import { Secret } from '@takeover/core';
import { hashedPassword } from '@takeover/connector-kit';
import { attributeFields } from '@takeover/connector-google-workspace';
import { googleAttributes } from '@takeover/connector-google-workspace/testing';
import { passwordFields } from '../src/mapping.js';

describe('attribute mapping to the Directory API User', () => {
  it('maps names into name.givenName / name.familyName and the sign-in address to primaryEmail', () => {
    expect(attributeFields({ givenName: 'Ada', familyName: 'Lovelace', primaryEmail: 'ada@example.com' })).toEqual({
      primaryEmail: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
    });
  });

  it('sends only what changed (users.update has patch semantics)', () => {
    expect(attributeFields({ familyName: 'King' })).toEqual({ name: { familyName: 'King' } });
    expect(attributeFields({})).toEqual({});
  });

  it('leaves out attributes Google has no single field for, and declares what it writes', () => {
    expect(attributeFields({ jobTitle: 'Countess', department: 'Maths', mobilePhone: '+44', displayName: 'Ada' })).toEqual({});
    expect(googleAttributes).toEqual(['primaryEmail', 'givenName', 'familyName']);
  });

  it('sends a plaintext without a forced change, and a hash with its hashFunction', () => {
    expect(passwordFields(Secret.of('Plain-Pass-1'))).toEqual({ password: 'Plain-Pass-1', changePasswordAtNextLogin: false });
    expect(passwordFields(hashedPassword('SHA-1', Secret.of('a'.repeat(40))))).toEqual({
      password: 'a'.repeat(40),
      hashFunction: 'SHA-1',
      changePasswordAtNextLogin: false,
    });
  });
});
