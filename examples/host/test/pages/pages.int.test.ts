// The server-rendered pages through the real server (buildServer on a whole test host): sessions
// and redirects, CSRF on every form, escaping, the accessibility structure, the console's and the
// portal's flows, /mail, and R14 (no page shows a password after it was typed).
import { startTestHost, type TestHost } from '../support/testHost.js';
import { accessibilityProblems, csrfOf, FormClient, type Page } from '../support/formClient.js';
import { adminConsole } from '../support/admin.js';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ server: { authRateLimit: { max: 1_000, timeWindowMs: 60_000 } } });
}, 60_000);
afterAll(async () => {
  await host.close();
});

const STRONG = 'Correct-Horse-42-battery';

const userIdFrom = (page: Page): string => {
  const id = /^\/admin\/users\/([^/?]+)$/.exec(page.location ?? '')?.[1];
  if (id === undefined)
    throw new Error(`expected a redirect to the new user, got ${String(page.status)} ${page.location ?? ''}: ${page.body.slice(0, 500)}`);
  return decodeURIComponent(id);
};

const expectAccessible = (page: Page): void => {
  expect(accessibilityProblems(page.body)).toEqual([]);
};

describe('sessions', () => {
  test('the home page renders for anyone, with the demo accounts and links', async () => {
    const anyone = new FormClient(host);
    const home = await anyone.get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    expectAccessible(home);
    for (const href of ['/portal', '/portal/login', '/admin', '/mail', '/check']) expect(home.body).toContain(`href="${href}"`);
    expect(home.body).toContain('ada@example.com');
  });

  test.each(['/portal', '/portal/password'])('%s redirects to the portal login without a session', async (path) => {
    const page = await new FormClient(host).get(path);
    expect(page.status).toBe(303);
    expect(page.location).toBe('/portal/login');
  });

  test.each(['/admin', '/admin/users/new', '/admin/directories', '/admin/users/someone', '/admin/pushes/some-push'])(
    '%s redirects to the console login without a session',
    async (path) => {
      const page = await new FormClient(host).get(path);
      expect(page.status).toBe(303);
      expect(page.location).toBe('/admin/login');
    },
  );

  test('an admin session is not a portal session, and the login pages are accessible', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    const portal = await admin.get('/portal');
    expect(portal.status).toBe(303);
    expect(portal.location).toBe('/portal/login');
    for (const path of ['/portal/login', '/admin/login']) {
      const page = await new FormClient(host).get(path);
      expect(page.status).toBe(200);
      expectAccessible(page);
      expect(page.body).toContain('<label for="email">Email</label>');
    }
  });

  test('a wrong admin password re-renders the form with an alert and keeps the email', async () => {
    const client = new FormClient(host);
    const page = await client.submit('/admin/login', '/admin/login', { email: 'admin@example.com', password: 'not-the-password' });
    expect(page.status).toBe(401);
    expect(page.body).toContain('role="alert"');
    expect(page.body).toContain('Wrong email or password.');
    expect(page.body).toContain('value="admin@example.com"');
    expect(page.body).not.toContain('not-the-password');
    expectAccessible(page);
  });
});

describe('CSRF', () => {
  test('every form carries a token, and a POST without one (or with a wrong one) is refused', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    for (const path of ['/portal/login', '/admin/login']) expect(csrfOf((await new FormClient(host).get(path)).body)).not.toBe('');
    for (const path of ['/admin', '/admin/users/new', '/admin/directories']) {
      const page = await admin.get(path);
      expect(page.status).toBe(200);
      const forms = page.body.match(/<form method="post"[^>]*>/g) ?? [];
      const tokens = page.body.match(/name="_csrf"/g) ?? [];
      expect(forms.length).toBeGreaterThan(0);
      expect(tokens.length).toBe(forms.length);
    }
    const anyone = new FormClient(host);
    await anyone.get('/portal/login');
    const missing = await anyone.post('/portal/login', { email: 'ada@example.com', password: STRONG });
    expect(missing.status).toBe(403);
    expect(missing.headers.get('content-type')).toContain('text/html');
    expectAccessible(missing);
    const wrong = await anyone.post('/portal/login', { email: 'ada@example.com', password: STRONG, _csrf: 'forged' });
    expect(wrong.status).toBe(403);
    const created = await admin.post('/admin/users/new', { email: 'csrf@example.com', givenName: 'C', familyName: 'S', state: 'active' });
    expect(created.status).toBe(403);
    const search = await admin.get('/admin?q=csrf%40example.com');
    expect(search.body).toContain('No users found.');
  });

  test('the users list searches and pages', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    for (let i = 0; i < 22; i++) {
      const created = await admin.submit('/admin/users/new', '/admin/users/new', {
        email: `many-${String(i).padStart(2, '0')}@example.com`,
        givenName: 'Many',
        familyName: `Number ${String(i)}`,
        state: 'staged',
      });
      expect(created.status).toBe(303);
    }
    const first = await admin.get('/admin?q=many-');
    expect(first.body).toContain('22 users matching “many-”, page 1 of 2.');
    expect(first.body).toContain('many-00@example.com');
    expect(first.body).toContain('The activation email goes out once the user is active and bound to a directory.');
    expect(first.body).not.toContain('>many-21@example.com</a>');
    expect(first.body).toContain('rel="next"');
    expectAccessible(first);
    const second = await admin.get('/admin?q=many-&page=2');
    expect(second.body).toContain('>many-21@example.com</a>');
    expect(second.body).toContain('rel="prev"');
  });
});

describe('the console', () => {
  test('untrusted values are escaped: a user named <script>alert(1)</script>', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    const evil = '<script>alert(1)</script>';
    const created = await admin.submit('/admin/users/new', '/admin/users/new', {
      email: 'evil@example.com',
      givenName: evil,
      familyName: '"><img src=x onerror=alert(2)>',
      jobTitle: evil,
      state: 'staged',
    });
    const id = userIdFrom(created);
    for (const path of [`/admin/users/${encodeURIComponent(id)}`, '/admin?q=evil']) {
      const page = await admin.get(path);
      expect(page.status).toBe(200);
      expect(page.body).not.toContain(evil);
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;script>alert(1)&lt;/script>');
      expectAccessible(page);
    }
  });

  test('create with errors re-renders with the input kept (never the password), then creates, edits, suspends and binds', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    const bad = await admin.submit('/admin/users/new', '/admin/users/new', {
      email: 'not-an-email',
      givenName: 'Kay',
      familyName: 'Lee',
      state: 'active',
      password: 'Typed-Secret-77!',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).toContain('aria-describedby="email-error"');
    expect(bad.body).toContain('value="Kay"');
    expect(bad.body).not.toContain('Typed-Secret-77!');
    expectAccessible(bad);

    const id = userIdFrom(
      await admin.submit('/admin/users/new', '/admin/users/new', {
        email: 'kay@example.com',
        givenName: 'Kay',
        familyName: 'Lee',
        state: 'active',
        directories: ['google'],
      }),
    );
    const userPath = `/admin/users/${encodeURIComponent(id)}`;
    const page = await admin.get(userPath);
    expect(page.body).toContain('User kay@example.com created.');
    expect(page.body).toContain('role="status"');
    expectAccessible(page);
    for (const name of ['Save', 'Suspend', 'Stage']) expect(page.body).toContain(`>${name}</button>`);
    expect(page.body).toMatch(/>Unbind<span class="visually-hidden"> Google Workspace/);
    expect(page.body).toMatch(/>Bind<span class="visually-hidden"> Microsoft 365/);

    const saved = await admin.submit(userPath, `${userPath}/attributes`, {
      email: 'kay@example.com',
      givenName: 'Kay',
      familyName: 'Lee',
      jobTitle: 'Engineer',
    });
    expect(saved.status).toBe(303);
    const afterSave = await admin.follow(saved);
    expect(afterSave.body).toContain('Saved: Job title.');
    expect(afterSave.body).toContain('value="Engineer"');

    // Actions that change directory accounts ask first, naming the effect (confirm=yes is the confirmation's own field).
    const suspended = await admin.follow(await admin.submit(userPath, `${userPath}/state`, { state: 'suspended', confirm: 'yes' }));
    expect(suspended.body).toContain('The user is now suspended.');
    expect(suspended.body).toContain('>Activate</button>');

    const asked = await admin.submit(userPath, `${userPath}/bind`, { directoryId: 'microsoft' });
    expect(asked.status).toBe(200);
    expectAccessible(asked);
    expect(asked.body).toMatch(
      /This also links the account kay@example.com in Microsoft 365 \([^)]*\), or creates it there if there is none\./,
    );
    expect(asked.body).toContain('name="confirm" value="yes"');
    expect((await admin.get(userPath)).body).toMatch(/>Bind<span class="visually-hidden"> Microsoft 365/);
    const bound = await admin.follow(await admin.submit(userPath, `${userPath}/bind`, { directoryId: 'microsoft', confirm: 'yes' }));
    expect(bound.body).toContain('Bound to Microsoft 365');
    const unbound = await admin.follow(await admin.submit(userPath, `${userPath}/unbind`, { directoryId: 'google', confirm: 'yes' }));
    expect(unbound.body).toContain('Unbound from Google Workspace');
    expect(unbound.body).toContain('Audit log');

    const unknown = await admin.get('/admin/users/no-such-user');
    expect(unknown.status).toBe(404);
    expectAccessible(unknown);
  });

  test('the directories page shows the connection and changes the policy', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    const page = await admin.get('/admin/directories');
    expect(page.status).toBe(200);
    expectAccessible(page);
    expect(page.body).toContain('Emulator (in-process demo)');
    const changed = await admin.follow(
      await admin.submit('/admin/directories', '/admin/directories/microsoft/policy', { passwordPush: 'when-changed' }),
    );
    expect(changed.body).toContain('password push when-changed, sessions kept on push');
    expect(changed.body).toMatch(/value="when-changed" checked/);
    const back = await admin.follow(
      await admin.submit('/admin/directories', '/admin/directories/microsoft/policy', {
        passwordPush: 'every-push',
        revokeSessionsOnPush: 'true',
      }),
    );
    expect(back.body).toContain('password push every-push, sessions revoked on push');
    const bad = await admin.submit('/admin/directories', '/admin/directories/microsoft/policy', { passwordPush: 'sometimes' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('role="alert"');
  });
});

describe('the portal', () => {
  test('R7: a staged user is refused with the reason; a wrong password says so', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    userIdFrom(
      await admin.submit('/admin/users/new', '/admin/users/new', {
        email: 'staged@example.com',
        givenName: 'Sta',
        familyName: 'Ged',
        state: 'staged',
        password: STRONG,
      }),
    );
    const user = new FormClient(host);
    const refused = await user.submit('/portal/login', '/portal/login', { email: 'staged@example.com', password: STRONG });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(
      'role="alert">This account is not active yet: an administrator must activate it before you can log in.</p>',
    );
    const wrong = await user.submit('/portal/login', '/portal/login', { email: 'staged@example.com', password: 'wrong-one' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Wrong email or password.');
    expect(user.cookie('takeover_portal')).toBeUndefined();
  });

  test('repeated wrong passwords for one account are throttled: a 429 page with Retry-After', async () => {
    const user = new FormClient(host);
    let last: Page | undefined;
    for (let i = 0; i < 8 && last?.status !== 429; i++)
      last = await user.submit('/portal/login', '/portal/login', { email: 'nobody-here@example.com', password: `wrong-${String(i)}` });
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.body).toContain('Too many attempts.');
    expectAccessible(last as Page);
  });

  test('activation: the mail links to the form, feedback on a weak password, then login and change password', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    const email = 'katherine@example.com';
    userIdFrom(
      await admin.submit('/admin/users/new', '/admin/users/new', {
        email,
        givenName: 'Katherine',
        familyName: 'Johnson',
        state: 'active',
        directories: ['google', 'microsoft'],
      }),
    );
    const reader = admin;
    const outbox = await reader.get('/mail');
    expect(outbox.status).toBe(200);
    expectAccessible(outbox);
    const mailHref = new RegExp(`<td>${email}</td><td><a href="(/mail/[^"]+)"`).exec(outbox.body)?.[1];
    expect(mailHref).toBeDefined();
    const mail = await reader.get(mailHref ?? '');
    expectAccessible(mail);
    const link = /<a href="(http[^"]+\/portal\/activate\?token=[^"]+)"/.exec(mail.body)?.[1];
    expect(link).toBeDefined();
    const activatePath = new URL((link ?? '').replace(/&amp;/g, '&')).pathname + new URL((link ?? '').replace(/&amp;/g, '&')).search;

    const user = new FormClient(host);
    const form = await user.get(activatePath);
    expect(form.status).toBe(200);
    expectAccessible(form);
    expect(form.body).toContain('<script src="/assets/password-feedback.js" defer>');
    expect(form.body).toContain('Google Workspace (example.com)');
    const token = /name="token" value="([^"]+)"/.exec(form.body)?.[1] ?? '';

    const live = await user.postJson('/portal/api/password-check', { token, password: 'short' });
    expect(live.status).toBe(200);
    const feedback = JSON.parse(live.body) as { ok: boolean; checks: Array<{ label: string; ok: boolean; problems: string[] }> };
    expect(feedback.ok).toBe(false);
    expect(feedback.checks.map((c) => c.label)).toEqual(expect.arrayContaining(['Google Workspace (example.com)']));
    expect(live.body).not.toContain('short"');
    expect((await user.post('/portal/api/password-check', { token, password: 'short' })).status).toBe(415);
    expect((await new FormClient(host).postJson('/portal/api/password-check', { password: 'short' })).status).toBe(401);

    const weak = await user.post('/portal/activate', { _csrf: csrfOf(form.body), token, password: 'short' });
    expect(weak.status).toBe(422);
    expect(weak.body).toContain('role="alert"');
    expect(weak.body).toContain('class="bad"');
    expect(weak.body).not.toContain('value="short"');

    const done = await user.post('/portal/activate', { _csrf: csrfOf(weak.body), token, password: STRONG });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/portal/login');
    const login = await user.submit('/portal/login', '/portal/login', { email, password: STRONG });
    expect(login.status).toBe(303);
    expect(login.location).toBe('/portal');
    const portal = await user.follow(login);
    expect(portal.status).toBe(200);
    expectAccessible(portal);
    expect(portal.body).toContain('You are logged in.');

    const used = await user.get(activatePath);
    expect(used.status).toBe(404);

    const changePage = await user.get('/portal/password');
    expectAccessible(changePage);
    const wrongCurrent = await user.post('/portal/password', {
      _csrf: csrfOf(changePage.body),
      current: 'Not-It-123!',
      next: `${STRONG}-2`,
    });
    expect(wrongCurrent.status).toBe(401);
    expect(wrongCurrent.body).toContain('The current password is wrong.');
    const changed = await user.post('/portal/password', { _csrf: csrfOf(wrongCurrent.body), current: STRONG, next: `${STRONG}-2` });
    expect(changed.status).toBe(303);
    expect((await user.follow(changed)).body).toContain('Your password was changed.');

    const out = await user.post('/portal/logout', { _csrf: csrfOf((await user.get('/portal')).body) });
    expect(out.status).toBe(303);
    expect((await user.get('/portal')).status).toBe(303);
  });

  test('R14: a user created with a password and logged in through the forms: no page shows the password', async () => {
    const admin = await adminConsole(host, { landsOn: '/admin' });
    const password = `Typed-In-Form-${Math.random().toString(36).slice(2, 10)}-7!`;
    const email = 'grace@example.com';
    const id = userIdFrom(
      await admin.submit('/admin/users/new', '/admin/users/new', {
        email,
        givenName: 'Grace',
        familyName: 'Hopper',
        state: 'active',
        password,
        directories: ['google', 'microsoft'],
      }),
    );
    const user = new FormClient(host);
    const login = await user.submit('/portal/login', '/portal/login', { email, password });
    expect(login.status).toBe(303);

    // The pushes run behind the login: the portal shows "Updating…" (with a refresh) until each directory is done.
    let portal = await user.get('/portal');
    for (let i = 0; i < 50 && !portal.body.includes('Your password was updated in Microsoft 365'); i++) {
      if (portal.body.includes('Updating…')) expect(portal.body).toContain('<meta http-equiv="refresh" content="2"');
      await new Promise((r) => setTimeout(r, 200));
      portal = await user.get('/portal');
    }
    expect(portal.body).toContain('Your password was updated in Google Workspace (example.com)');
    expect(portal.body).toContain('Your password was updated in Microsoft 365');

    const userPage = await admin.get(`/admin/users/${encodeURIComponent(id)}`);
    const why = /href="(\/admin\/pushes\/[^"]+)"/.exec(userPage.body)?.[1];
    expect(why).toBeDefined();
    const whyPage = await admin.get(why ?? '');
    expect(whyPage.status).toBe(200);
    expectAccessible(whyPage);
    expect(whyPage.body).toContain('Carried by');

    const check = new FormClient(host);
    const verified = await check.submit('/check', '/check', { directoryId: 'google', userKey: email, password });
    expect(verified.status).toBe(200);
    expect(verified.body).toContain('accepts this password');

    for (const path of [
      '/',
      '/portal',
      '/portal/password',
      '/admin',
      `/admin/users/${encodeURIComponent(id)}`,
      '/admin/directories',
      '/mail',
    ]) {
      await user.get(path);
      await admin.get(path);
    }
    const mails = await admin.get('/mail');
    for (const href of mails.body.matchAll(/href="(\/mail\/[^"]+)"/g)) await admin.get(href[1] ?? '');
    for (const body of [...user.seen, ...admin.seen, ...check.seen]) expect(body).not.toContain(password);
    expect(host.logs()).not.toContain(password);
  });
});

describe('errors and assets', () => {
  test('unknown pages answer an HTML 404; the API prefixes keep JSON', async () => {
    const client = new FormClient(host);
    const page = await client.get('/no-such-page');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expectAccessible(page);
    for (const path of ['/portal/api/no-such-route', '/no-such-page']) {
      const api = await client.get(path, { accept: 'application/json' });
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toContain('application/json');
    }
    const mail = await (await adminConsole(host, { landsOn: '/admin' })).get('/mail/no-such-mail');
    expect(mail.status).toBe(404);
  });

  test('an unexpected failure answers an HTML 500 with the request id, never the error', async () => {
    const demo = host.app.demo as { mail: () => Promise<unknown> } | undefined;
    if (demo === undefined) throw new Error('the test host runs the demo');
    const original = demo.mail;
    demo.mail = () => Promise.reject(new Error('secret-internal-detail'));
    try {
      const page = await (await adminConsole(host, { landsOn: '/admin' })).get('/mail');
      expect(page.status).toBe(500);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.body).toContain(`request id ${page.headers.get('x-request-id') ?? 'missing'}`);
      expect(page.body).not.toContain('secret-internal-detail');
      expectAccessible(page);
    } finally {
      demo.mail = original;
    }
  });

  test('the stylesheet and the feedback script are served from /assets', async () => {
    const client = new FormClient(host);
    const css = await client.get('/assets/style.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.body).toContain(':focus-visible');
    const js = await client.get('/assets/password-feedback.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.body).toContain('/portal/api/password-check');
  });
});
