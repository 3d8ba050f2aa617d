// The user list's form parts shared by the list and the bulk pages: the filter read from a form or
// query, a labelled select, the filter carried as hidden inputs, a bulk request from a form.
import type { UserListFilter } from '@takeover/engine';
import { decodeBulk } from '../../app/bulk.js';
import type { BulkAction } from '../../app/effects.js';
import type { Markup, VNode } from './html.js';
import { html } from './html.js';
import type { Form } from './support.js';
import { field, fields } from './support.js';

export const ACTION_WORDS: Readonly<Record<BulkAction, string>> = {
  bind: 'Bind to a directory',
  unbind: 'Unbind from a directory',
  suspend: 'Suspend',
  activate: 'Activate',
  'resend-activation': 'Send a new activation link',
};

export const filterOf = (get: (name: string) => string): UserListFilter => {
  const f: Record<string, string> = {};
  for (const k of ['state', 'directoryId', 'sync', 'failingReason', 'text']) {
    const v = get(k).trim().slice(0, 200);
    if (v !== '') f[k] = v;
  }
  return f;
};

export const Select = ({
  id,
  name = id,
  label,
  value,
  options,
}: {
  readonly id: string;
  readonly name?: string;
  readonly label: string;
  readonly value: string;
  readonly options: ReadonlyArray<readonly [string, string]>;
}): VNode =>
  html`<div class="field"><label for=${id}>${label}</label>
    <select id=${id} name=${name}>${options.map(([v, text]) => html`<option value=${v} selected=${v === value}>${text}</option>`)}</select></div>` as VNode;

export const FilterHiddens = ({ filter }: { readonly filter: UserListFilter }): Markup =>
  Object.entries(filter).map(([k, v]) => html`<input type="hidden" name=${`filter.${k}`} value=${String(v)} />`);

/** A bulk request from the console's forms (the same decoder as the API: the same refusals). */
export const bulkFromForm = (form: Form) => {
  const scope = field(form, 'scope');
  const filter = filterOf((k) => field(form, `filter.${k}`));
  const action = field(form, 'action');
  const directoryId = field(form, 'directoryId');
  return decodeBulk({
    action,
    ...((action === 'bind' || action === 'unbind') && directoryId !== '' ? { directoryId } : {}),
    ...(scope === 'filter' ? { filter } : { userIds: fields(form, 'userIds') }),
  });
};
