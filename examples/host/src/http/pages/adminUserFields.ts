// The attributes the console's user forms edit, with their labels, and a problem's message per input.
import type { Problem } from '../../app/hostApp.js';
import { fieldOf, said } from './support.js';
import { Field } from './ui.js';

/** The attributes a console form edits, with their labels (the stable accessible names). */
export const ATTRIBUTES = [
  { name: 'email', label: 'Email', required: true, type: 'email', autocomplete: 'off' },
  { name: 'givenName', label: 'Given name', required: true, type: 'text', autocomplete: 'off' },
  { name: 'familyName', label: 'Family name', required: true, type: 'text', autocomplete: 'off' },
  { name: 'displayName', label: 'Display name', required: false, type: 'text', autocomplete: 'off' },
  { name: 'jobTitle', label: 'Job title', required: false, type: 'text', autocomplete: 'off' },
  { name: 'department', label: 'Department', required: false, type: 'text', autocomplete: 'off' },
  { name: 'mobilePhone', label: 'Mobile phone', required: false, type: 'tel', autocomplete: 'off' },
  { name: 'officeLocation', label: 'Office location', required: false, type: 'text', autocomplete: 'off' },
  { name: 'employeeId', label: 'Employee ID', required: false, type: 'text', autocomplete: 'off' },
] as const;

export type AttributeName = (typeof ATTRIBUTES)[number]['name'];

export const attributeFields = (values: (name: AttributeName) => string | undefined, errorFor: (name: string) => string | undefined) =>
  ATTRIBUTES.map((a) =>
    Field({
      id: a.name,
      name: a.name,
      label: a.label,
      type: a.type,
      value: values(a.name),
      required: a.required,
      autocomplete: a.autocomplete,
      error: errorFor(a.name),
    }),
  );

/** A problem's message for one input (when it names that input) or for the whole form. */
export const errorsOf = (problem: Problem | undefined) => ({
  field: (name: string): string | undefined =>
    problem !== undefined && fieldOf(problem) === name
      ? `${ATTRIBUTES.find((a) => a.name === name)?.label ?? name} ${said(problem)}`
      : undefined,
  form:
    problem === undefined
      ? undefined
      : problem.kind === 'invalid'
        ? 'Some values are not valid; see the messages below.'
        : `Not saved: ${said(problem)}`,
});
