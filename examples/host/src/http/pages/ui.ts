// The shared layout and form pieces. Every page is one document with `lang`, a title, a skip
// link, the header nav, one `<main>` with one h1; every input has a label tied by `for`; errors
// are `role="alert"` and referenced by `aria-describedby`; flash messages are `role="status"`.
import type { HostApp } from '../../app/hostApp.js';
import type { Markup, VNode } from './html.js';
import { html } from './html.js';

export type Section = 'home' | 'portal' | 'admin' | 'mail';

export interface LayoutProps {
  readonly app: HostApp;
  /** The page's own title (the platform name is appended). */
  readonly title: string;
  readonly section: Section;
  /** A message from the previous request (after a redirect), shown as a status. */
  readonly flash?: string | undefined;
  /** Reload the page every N seconds (the portal while a push is in flight). */
  readonly refreshSeconds?: number;
  /** Extra same-origin scripts (progressive enhancement only). */
  readonly scripts?: ReadonlyArray<string>;
  readonly children: Markup;
}

const navItem = (href: string, label: string, current: boolean): VNode =>
  html`<li><a href=${href} aria-current=${current ? 'page' : undefined}>${label}</a></li>` as VNode;

export const Layout = ({ app, title, section, flash, refreshSeconds, scripts = [], children }: LayoutProps): VNode =>
  html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      ${refreshSeconds === undefined ? null : html`<meta http-equiv="refresh" content=${String(refreshSeconds)} />`}
      <title>${title} · ${app.settings.platformName}</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="/assets/style.css" />
      ${scripts.map((src) => html`<script src=${src} defer></script>`)}
    </head>
    <body>
      <a class="skip-link" href="#main">Skip to main content</a>
      <header class="site-header">
        <a class="brand" href="/">${app.settings.platformName}</a>
        <nav aria-label="Main">
          <ul>
            ${navItem('/portal', 'Portal', section === 'portal')}
            ${section === 'portal' ? null : navItem('/admin', 'Admin console', section === 'admin')}
            ${section !== 'portal' && app.demo?.outbox === true ? navItem('/mail', 'Mail', section === 'mail') : null}
          </ul>
        </nav>
      </header>
      <main id="main" tabindex="-1">
        ${flash === undefined ? null : html`<p class="flash" role="status">${flash}</p>`}
        ${children}
      </main>
    </body>
  </html>` as VNode;

/** The hidden CSRF field every POST form carries. */
export const Csrf = ({ token }: { readonly token: string }): VNode => html`<input type="hidden" name="_csrf" value=${token} />` as VNode;

/** A form-level error (e.g. wrong credentials), announced at once. */
export const ErrorMessage = ({ id, message }: { readonly id: string; readonly message: string | undefined }): VNode | null =>
  message === undefined ? null : (html`<p class="error" id=${id} role="alert">${message}</p>` as VNode);

export interface FieldProps {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'password' | 'search' | 'tel';
  readonly value?: string | undefined;
  readonly error?: string | undefined;
  readonly hint?: string | undefined;
  readonly autocomplete?: string;
  readonly required?: boolean;
  /** Ids of more elements that describe the input (e.g. a form-level error or the live password feedback). */
  readonly describedBy?: ReadonlyArray<string>;
  /** More attributes (`data-*` hooks for the enhancement script). */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * A labelled input with its hint and error tied by `aria-describedby`. Password inputs never get a
 * value. The label's text is exactly `label` (the visible "(optional)" sits outside it; the
 * `required` attribute says which are required).
 */
export const Field = ({
  id,
  name,
  label,
  type = 'text',
  value,
  error,
  hint,
  autocomplete,
  required = false,
  describedBy = [],
  extra = {},
}: FieldProps): VNode => {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [...(hint === undefined ? [] : [hintId]), ...(error === undefined ? [] : [errorId]), ...describedBy];
  return html`<div class="field">
    <label for=${id}>${label}</label>${required ? null : html` <span class="optional" aria-hidden="true">(optional)</span>`}
    ${hint === undefined ? null : html`<p class="hint" id=${hintId}>${hint}</p>`}
    ${error === undefined ? null : html`<p class="error" id=${errorId} role="alert">${error}</p>`}
    <input
      id=${id}
      name=${name}
      type=${type}
      value=${type === 'password' ? undefined : value}
      autocomplete=${autocomplete}
      required=${required}
      aria-invalid=${error === undefined ? undefined : 'true'}
      aria-describedby=${described.length === 0 ? undefined : described.join(' ')}
      ...${extra}
    />
  </div>` as VNode;
};

/** A form that is just one button (log out, suspend, bind…), with its CSRF field and hidden values. */
export const ButtonForm = ({
  action,
  csrf,
  label,
  values = {},
  className,
}: {
  readonly action: string;
  readonly csrf: string;
  /** The button's content; its text is the accessible name. */
  readonly label: Markup;
  readonly values?: Readonly<Record<string, string>>;
  readonly className?: string;
}): VNode =>
  html`<form method="post" action=${action} class=${className === undefined ? 'inline' : `inline ${className}`}>
    ${Csrf({ token: csrf })}
    ${Object.entries(values).map(([k, v]) => html`<input type="hidden" name=${k} value=${v} />`)}
    <button type="submit">${label}</button>
  </form>` as VNode;

/** Text only screen readers read (e.g. which directory a "Bind" button is for). */
export const Hidden = ({ children }: { readonly children: Markup }): VNode =>
  html`<span class="visually-hidden">${children}</span>` as VNode;

/** An ISO time as a `<time>` element, readable (UTC). */
export const Time = ({ at }: { readonly at: string | undefined | null }): VNode | string => {
  if (at === undefined || at === null || at === '') return '—';
  const d = new Date(at);
  const text = Number.isNaN(d.getTime()) ? at : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return html`<time datetime=${at}>${text}</time>` as VNode;
};

/** The account's name for password managers on a form that sets a password (not shown, not sent). */
export const UsernameHint = ({ email }: { readonly email: string }): VNode =>
  html`<input type="email" autocomplete="username" value=${email} hidden readonly tabindex="-1" aria-hidden="true" />` as VNode;

/** The email + password form both logins use (portal and console); `error` is tied to both fields. */
export const LoginForm = ({
  action,
  csrfToken,
  email,
  error,
}: {
  readonly action: string;
  readonly csrfToken: string;
  readonly email?: string | undefined;
  readonly error?: string | undefined;
}): VNode => {
  const describedBy = error === undefined ? [] : ['login-error'];
  return html`<form method="post" action=${action} novalidate>
    ${Csrf({ token: csrfToken })}
    ${ErrorMessage({ id: 'login-error', message: error })}
    ${Field({ id: 'email', name: 'email', label: 'Email', type: 'email', value: email, autocomplete: 'username', required: true, describedBy })}
    ${Field({ id: 'password', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true, describedBy })}
    <button type="submit">Log in</button>
  </form>` as VNode;
};
