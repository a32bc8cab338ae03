import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RELEASED } from './uploads.server';

/** Evidence files on disk, outside public/, under random names; served only through an authorised route. */
export class EvidenceStore {
  constructor(readonly dir: string) {}

  private pathOf(storedName: string): string {
    if (!/^[A-Za-z0-9_-]{20,80}$/.test(storedName)) throw new Error('invalid stored name');
    return path.join(this.dir, storedName);
  }

  async save(bytes: Buffer): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const storedName = randomBytes(24).toString('base64url');
    await writeFile(this.pathOf(storedName), bytes, { mode: 0o600, flag: 'wx' });
    return storedName;
  }

  read(storedName: string): Promise<Buffer> {
    return readFile(this.pathOf(storedName));
  }

  async remove(storedName: string): Promise<void> {
    await rm(this.pathOf(storedName), { force: true });
  }
}

/**
 * Writes the files, then runs `use` with their stored names. If `use` fails (e.g. the transaction
 * recording them rolls back), the files are removed again: no orphan evidence on disk.
 *
 * Each file's bytes are released (set to RELEASED) once written. `use` needs only the names, and an
 * appeal's answer takes at least 400 ms: a burst of 2–10 MB uploads would otherwise keep every file
 * in memory until its answer leaves, long enough for V8 to move the buffers to the old generation.
 */
export async function withStoredFiles<F extends { bytes: Buffer }, T>(
  store: EvidenceStore,
  files: F[],
  use: (stored: (F & { storedName: string })[]) => Promise<T>,
): Promise<T> {
  const written: string[] = [];
  try {
    const stored = [];
    for (const f of files) {
      const storedName = await store.save(f.bytes);
      written.push(storedName);
      f.bytes = RELEASED;
      stored.push({ ...f, storedName });
    }
    return await use(stored);
  } catch (err) {
    await Promise.all(written.map((name) => store.remove(name)));
    throw err;
  }
}
