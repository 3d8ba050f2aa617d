// The browser fixture: Debian's chromium driven by playwright-core (no bundled browser download).
// One browser per test file, a fresh context (cookies, storage) per walk, and a screenshot after
// every step, on a failed step and when the walk closes, under test-artifacts/browser/<test>/.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots go: the repository's test-artifacts/browser (gitignored; CI keeps it). */
export const artifactsRoot = resolve(__dirname, '../../../../../test-artifacts/browser');

/** Why the browser tests cannot run here, or undefined when they can. */
export const browserSkipReason: string | undefined = existsSync(chromiumPath)
  ? undefined
  : `${chromiumPath} is missing: install Debian's chromium (apt-get install chromium; .ci/run does) to run the browser tests`;

export interface WalkOptions {
  /** false: a context with JavaScript disabled (the pages must work without it). */
  readonly javaScriptEnabled?: boolean;
}

export interface Walk {
  readonly context: BrowserContext;
  readonly page: Page;
  /** This walk's screenshot directory. */
  readonly dir: string;
  /** Uncaught errors thrown by the pages' scripts during the walk. */
  readonly pageErrors: ReadonlyArray<string>;
  /** Runs `action`, then screenshots `<n>-<name>.png`; when it throws, screenshots `<n>-<name>-failed.png` and rethrows. */
  readonly step: <T>(name: string, action: () => Promise<T>) => Promise<T>;
  /** A screenshot of the page as it is now. */
  readonly snap: (name: string) => Promise<void>;
  /** A screenshot `<n>-end.png` (what the page showed when the test ended, passed or failed), `steps.txt` (each step and how long it took), then closes the context. */
  readonly close: () => Promise<void>;
}

export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'unnamed';

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: chromiumPath, args: launchArgs, timeout: 30_000 });

/**
 * A fresh context and page on `browser`, its screenshots under test-artifacts/browser/<name>/
 * (emptied first). A `/` in `name` makes subdirectories: `<test>/admin` and `<test>/user` for two
 * people in one test.
 */
export const openWalk = async (browser: Browser, name: string, options: WalkOptions = {}): Promise<Walk> => {
  const dir = join(artifactsRoot, ...name.split('/').map(slug));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1200, height: 900 },
    locale: 'en-GB',
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => {
    pageErrors.push(error.message);
  });
  let shots = 0;
  const snap = async (stepName: string): Promise<void> => {
    shots += 1;
    const file = join(dir, `${String(shots).padStart(2, '0')}-${slug(stepName)}.png`);
    // A screenshot must never hide the real failure (a closed page, a navigation in progress).
    await page.screenshot({ path: file, fullPage: true, timeout: 5_000 }).catch(() => undefined);
  };
  const log: string[] = [];
  const step = async <T>(stepName: string, action: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    let result: T;
    try {
      result = await action();
    } catch (error) {
      log.push(`${stepName}: failed after ${String(Date.now() - started)} ms`);
      await snap(`${stepName}-failed`);
      throw error;
    }
    log.push(`${stepName}: ${String(Date.now() - started)} ms`);
    await snap(stepName);
    return result;
  };
  const close = async (): Promise<void> => {
    await snap('end');
    await writeFile(join(dir, 'steps.txt'), `${log.join('\n')}\n`).catch(() => undefined);
    await context.close();
  };
  return { context, page, dir, pageErrors, step, snap, close };
};

/** The name of the running jest test, for its artefact directory. */
export const currentTestName = (): string => expect.getState().currentTestName ?? 'unnamed';

/**
 * The walks of a `describeBrowser` body's tests: `walk(person)` opens one named `<test>/<person>`, and
 * each is closed after its test. Call it in the body (it registers an `afterEach`).
 */
export const walksPerTest = (browser: () => Browser): ((person: string, options?: WalkOptions) => Promise<Walk>) => {
  const walks: Walk[] = [];
  afterEach(async () => {
    for (const w of walks.splice(0)) await w.close();
  });
  return async (person, options = {}) => {
    const w = await openWalk(browser(), `${currentTestName()}/${person}`, options);
    walks.push(w);
    return w;
  };
};

/**
 * `describe` for a browser test file: launches chromium once before its tests and closes it after;
 * `browser()` gives it to the tests. Skipped, with the reason in its name, when chromium is missing.
 */
export const describeBrowser = (name: string, body: (browser: () => Browser) => void): void => {
  if (browserSkipReason !== undefined) {
    describe.skip(`${name} (skipped: ${browserSkipReason})`, () => {
      body(() => {
        throw new Error(browserSkipReason);
      });
    });
    return;
  }
  describe(name, () => {
    let launched: Browser | undefined;
    beforeAll(async () => {
      launched = await launchChromium();
    }, 60_000);
    afterAll(async () => {
      await launched?.close();
    });
    body(() => {
      if (launched === undefined) throw new Error('chromium did not start (see the beforeAll error above)');
      return launched;
    });
  });
};
