import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath, CHROMIUM_ADVICE } from '../../scripts/chromium.mjs';

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(CHROMIUM_ADVICE);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
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
export async function waitForMessage(baseUrl: string, to: string, pattern: RegExp, timeoutMs = 10_000): Promise<{ text: string; match: RegExpExecArray }> {
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
