// The JavaScript a page makes the browser load: the <script src>, <link rel="modulepreload"> and the
// `import "…"` lines of Remix's inline module script, read from public/build and gzipped.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export type PageScripts = {
  page: string;
  audience: 'customer' | 'staff';
  status: number;
  files: number;
  rawKB: number;
  gzipKB: number;
};

export function scriptUrls(html: string): string[] {
  const urls = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(m[0])?.[1];
    if (href) urls.add(href);
  }
  for (const m of html.matchAll(/<script\b[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
    for (const i of m[1].matchAll(/import\s*(?:[^"';]*?from\s*)?["']([^"']+\.js)["']/g)) urls.add(i[1]);
  }
  return [...urls].filter((u) => u.startsWith('/build/') && u.endsWith('.js'));
}

/** Sizes of the scripts one page loads, from the files on disk (public/build). */
export function pageScriptSize(
  html: string,
  publicDir = path.resolve('public'),
): { files: number; raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  const urls = scriptUrls(html);
  for (const url of urls) {
    const bytes = readFileSync(path.join(publicDir, url));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { files: urls.length, raw, gzip };
}
