import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { chromiumPath, CHROMIUM_ADVICE } from '../../scripts/chromium.mjs';
import { startTestPortal, type TestPortal } from './portal';

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(CHROMIUM_ADVICE);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export type BrowserPortal = {
  portal: TestPortal;
  browser: Browser;
  /** A page in a fresh browser context (its own cookies), closed after the test. */
  page: (options?: BrowserContextOptions) => Promise<Page>;
};

/**
 * One end-to-end suite's portal (embedded database) and Chromium: started before its tests,
 * closed after them. Read `env.portal` and `env.browser` inside hooks and tests; `env.page()` opens
 * a visitor of their own, whose context is closed when the test ends.
 */
export function useBrowserPortal(options?: Parameters<typeof startTestPortal>[1]): BrowserPortal {
  const open: BrowserContext[] = [];
  const env = {
    page: async (contextOptions?: BrowserContextOptions) => {
      const context = await env.browser.newContext(contextOptions);
      open.push(context);
      return context.newPage();
    },
  } as BrowserPortal;
  beforeAll(async () => {
    env.portal = await startTestPortal('pglite', options);
    env.browser = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.portal?.stop();
  });
  return env;
}

/** A page in a fresh browser context that collects console errors and uncaught page errors. */
export async function openPage(
  browser: Browser,
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors, close: () => context.close() };
}

export async function signInWithBrowser(page: Page, baseUrl: string, login: string, password = 'demo-Passw0rd!') {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Logon name').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/account\/security$/);
  // The URL changes before the new page has rendered: wait for its heading too.
  await page.getByRole('heading', { name: 'Security Settings', level: 1 }).waitFor();
}

/** The newest delivered message to `to` whose text matches, read from /dev/outbox.json as a newcomer would. */
export async function waitForMessage(
  baseUrl: string,
  to: string,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<{ text: string; match: RegExpExecArray }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${baseUrl}/dev/outbox.json?to=${encodeURIComponent(to)}`);
    const messages = (await res.json()) as { text: string }[];
    for (const m of messages) {
      const match = pattern.exec(m.text);
      if (match) return { text: m.text, match };
    }
    if (Date.now() > deadline) throw new Error(`No message to ${to} matching ${pattern} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until the element `selector` names is in the document and React has attached its event
 * handlers to it (hydrated there). The element may not exist yet: `waitForURL` can return once the
 * address has changed, before the page that goes with it is rendered.
 */
export async function waitForReactHandlers(page: Page, selector: string) {
  await page.waitForFunction((s) => {
    const element = document.querySelector(s);
    return element !== null && Object.keys(element).some((k) => k.startsWith('__reactProps'));
  }, selector);
}

/** Marks the page's current document; `isSameDocument` then says whether no new document has loaded since. */
export async function markDocument(page: Page) {
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
}
export async function isSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);
}
