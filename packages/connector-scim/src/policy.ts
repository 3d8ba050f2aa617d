import { reveal } from '@takeover/core';
import type { Secret } from '@takeover/core';
import type { PolicyViolation } from '@takeover/connector-kit';

/** The default SCIM password rules: 8 to 256 characters (NIST SP 800-63B lengths). */
export const defaultScimPasswordPolicy = (password: Secret): ReadonlyArray<PolicyViolation> => {
  const length = [...reveal(password)].length;
  return [...(length < 8 ? [{ rule: 'too-short' }] : []), ...(length > 256 ? [{ rule: 'too-long' }] : [])];
};
