import * as E from 'fp-ts/lib/Either.js';
import { describeProblems, problemsOf } from '../codec/report.js';
import type { AttributeName, UserAttributes } from './attributes.js';
import { Email, UserAttributes as UserAttributesCodec, attributeNames, requiredAttributes } from './attributes.js';
import { Text } from '../ids.js';

const names: ReadonlySet<string> = new Set(attributeNames);

/** Problems with a full set of attributes, in words ("attributes.email: expected an email address …"). */
export const validateAttributes = (attributes: UserAttributes): ReadonlyArray<string> => {
  const decoded = UserAttributesCodec.decode(attributes);
  return E.isRight(decoded) ? [] : problemsOf(decoded.left, 'attributes').map((p) => describeProblems([p]));
};

export interface AttributeChanges {
  readonly changed: Partial<UserAttributes>;
  readonly cleared: ReadonlyArray<AttributeName>;
  readonly problems: ReadonlyArray<string>;
}

/** What a change request really changes, and what is wrong with it. Unchanged values are dropped. */
export const validateAttributeChanges = (
  current: UserAttributes,
  changes: Readonly<Partial<Record<AttributeName, string | null>>>,
): AttributeChanges => {
  const changed: Partial<Record<AttributeName, string>> = {};
  const cleared: AttributeName[] = [];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (!names.has(name)) {
      problems.push(`${name} is not a user attribute (known: ${attributeNames.join(', ')})`);
      continue;
    }
    const field = name as AttributeName;
    if (value === null) {
      if (requiredAttributes.includes(field)) problems.push(`${field} is required and cannot be removed`);
      else if (current[field] !== undefined) cleared.push(field);
      continue;
    }
    const decoded = (field === 'email' ? Email : Text).decode(value);
    if (E.isLeft(decoded)) problems.push(describeProblems(problemsOf(decoded.left, field)));
    else if (current[field] !== value) changed[field] = value;
  }
  return { changed: changed, cleared, problems };
};
