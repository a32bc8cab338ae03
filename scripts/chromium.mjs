import { existsSync } from 'node:fs';

export const CHROMIUM_ADVICE = `
The end-to-end tests drive a real Chromium, and none was found.
Install Debian's package (playwright's own browser download does not work here):
    sudo apt-get update && sudo apt-get install -y chromium
or point CHROMIUM_PATH at a Chromium/Chrome binary.`;

export function chromiumPath() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}
