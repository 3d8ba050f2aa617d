// A tiny form-submitting "browser" over fetch to a test host (server.inject's light-my-request
// pulls an ESM-only `cookie` that jest's CommonJS cannot load): keeps cookies, reads the `_csrf`
// field of the last page, submits urlencoded forms, and checks a page's accessibility structure.

export interface Page {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly location: string | undefined;
}

export class FormClient {
  private readonly jar = new Map<string, string>();
  /** Every response body this client saw (for leak checks). */
  readonly seen: string[] = [];

  constructor(private readonly host: { readonly url: string }) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  private cookieHeader(): string {
    return [...this.jar.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    options: {
      readonly form?: Readonly<Record<string, string | ReadonlyArray<string>>>;
      readonly json?: unknown;
      readonly multipart?: FormData;
      readonly raw?: { readonly type: string; readonly body: string };
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ): Promise<Page> {
    const headers: Record<string, string> = { accept: 'text/html', ...options.headers };
    const cookie = this.cookieHeader();
    if (cookie !== '') headers.cookie = cookie;
    let payload: string | FormData | undefined;
    if (options.multipart !== undefined) payload = options.multipart;
    else if (options.raw !== undefined) {
      payload = options.raw.body;
      headers['content-type'] = options.raw.type;
    } else if (options.form !== undefined) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) {
        for (const one of typeof v === 'string' ? [v] : v) params.append(k, one);
      }
      payload = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      payload = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.host.url}${url}`, {
      method,
      headers,
      redirect: 'manual',
      ...(payload === undefined ? {} : { body: payload }),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const expires = attributes.find((a) => a.toLowerCase().startsWith('expires='));
      const expired =
        value === '' ||
        attributes.some((a) => a.toLowerCase() === 'max-age=0') ||
        (expires !== undefined && Date.parse(expires.slice(8)) <= Date.now());
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const body = await response.text();
    this.seen.push(body);
    return { status: response.status, headers: response.headers, body, location: response.headers.get('location') ?? undefined };
  }

  get(url: string, headers?: Readonly<Record<string, string>>): Promise<Page> {
    return this.send('GET', url, headers === undefined ? {} : { headers });
  }

  post(url: string, form: Readonly<Record<string, string | ReadonlyArray<string>>>): Promise<Page> {
    return this.send('POST', url, { form });
  }

  /** Posts multipart/form-data (a file input's form): `files` by field name, each a file name and its text. */
  postMultipart(
    url: string,
    fields: Readonly<Record<string, string>>,
    files: Readonly<Record<string, { readonly name: string; readonly text: string }>> = {},
  ): Promise<Page> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [k, f] of Object.entries(files)) form.append(k, new Blob([f.text], { type: 'text/csv' }), f.name);
    return this.send('POST', url, { multipart: form });
  }

  /** Posts a body as is, with its content type. */
  postRaw(url: string, type: string, body: string): Promise<Page> {
    return this.send('POST', url, { raw: { type, body } });
  }

  postJson(url: string, json: unknown, headers?: Readonly<Record<string, string>>): Promise<Page> {
    return this.send('POST', url, { json, ...(headers === undefined ? {} : { headers }) });
  }

  /** GETs `pageUrl`, then posts `form` plus that page's CSRF token to `action`. */
  async submit(pageUrl: string, action: string, form: Readonly<Record<string, string | ReadonlyArray<string>>>): Promise<Page> {
    const page = await this.get(pageUrl);
    return this.post(action, { ...form, _csrf: csrfOf(page.body) });
  }

  /** Follows one redirect (303) with a GET. */
  async follow(page: Page): Promise<Page> {
    if (page.location === undefined) throw new Error(`expected a redirect, got ${String(page.status)}`);
    return this.get(page.location);
  }
}

/** The first `_csrf` hidden field's value on a page. */
export const csrfOf = (body: string): string => {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (match?.[1] === undefined) throw new Error('no _csrf field on the page');
  return match[1];
};

/** The page's accessibility structure: problems found (empty when fine). */
export const accessibilityProblems = (body: string): ReadonlyArray<string> => {
  const problems: string[] = [];
  if (!body.startsWith('<!doctype html>')) problems.push('no doctype');
  if (!/<html lang="en"/.test(body)) problems.push('no <html lang="en">');
  if (!/<title>[^<]+<\/title>/.test(body)) problems.push('no title');
  const h1s = body.match(/<h1[\s>]/g) ?? [];
  if (h1s.length !== 1) problems.push(`${String(h1s.length)} h1 elements`);
  if ((body.match(/<main[\s>]/g) ?? []).length !== 1) problems.push('not exactly one <main>');
  if (!body.includes('href="#main"')) problems.push('no skip link');
  if (body.includes(' style=') || /<style[\s>]/.test(body)) problems.push('inline style');
  if (/<script(?![^>]*\ssrc=)[^>]*>/.test(body)) problems.push('inline script');
  const labelled = new Set([...body.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
  for (const input of body.matchAll(/<(input|select|textarea)\b[^>]*>/g)) {
    const tag = input[0];
    if (/type="hidden"|\shidden[\s>=/]/.test(tag)) continue;
    const id = /\sid="([^"]+)"/.exec(tag)?.[1];
    // A radio or checkbox may sit inside its label.
    const inLabel = /type="(radio|checkbox)"/.test(tag) && body.slice(Math.max(0, (input.index ?? 0) - 40), input.index).includes('<label');
    if (!inLabel && (id === undefined || !labelled.has(id))) problems.push(`unlabelled ${tag.slice(0, 80)}`);
  }
  return problems;
};
