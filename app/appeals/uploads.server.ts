// Multipart parsing for appeal forms: files are read into memory up to the size cap (never further),
// then their type is decided by their content (file-type), not by their name or declared type.
import { createHash } from 'node:crypto';
import { unstable_parseMultipartFormData, type UploadHandler } from '@remix-run/node';
import { fileTypeFromBuffer } from 'file-type';
import pLimit from 'p-limit';
import { EVIDENCE_FIELDS, EVIDENCE_LIMITS, type EvidenceField } from './schema';

export const ALLOWED_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
/**
 * A text field keeps at most this many characters plus one: every field's own maximum is lower, so a
 * longer value, cut, still fails that field's check with its own message ("Use at most … characters").
 */
const MAX_FIELD_CHARS = 20_000;
const keepText = (value: string) => value.slice(0, MAX_FIELD_CHARS + 1);
/** The most a whole appeal request may carry: 5 files at the cap plus the text fields. */
export const MAX_REQUEST_BYTES = EVIDENCE_LIMITS.maxFiles * EVIDENCE_LIMITS.maxBytes + 1024 * 1024;

export type Upload = { field: string; filename: string; bytes: Buffer; size: number; tooLarge: boolean };
export type AcceptedFile = { field: EvidenceField; filename: string; bytes: Buffer; mimeType: (typeof ALLOWED_TYPES)[number]; sha256: string; size: number };
export type ParsedForm = { fields: Record<string, string>; uploads: Upload[]; tooLarge: boolean };

export class FormTooLarge extends Error {}

/** What an upload's or a file's bytes become once another object, or the disk, holds them. */
export const RELEASED: Buffer = Buffer.alloc(0);

/**
 * How many multipart bodies are read at once. A body is held in memory while it is read (its files
 * up to 10 MB each, briefly twice while the chunks are joined), so a burst of uploads would otherwise
 * grow the process by tens of megabytes per request; the others wait, their bytes still in the
 * socket (TCP pushes back), costing nothing. Reading is CPU work on one thread: more at once would
 * not finish sooner.
 */
export const MULTIPART_READS_AT_ONCE = 4;
const multipartReads = pLimit(MULTIPART_READS_AT_ONCE);

/** A part's bytes up to `limit`; past it, `over` and no bytes — or, with `keepPrefix`, the first `limit` bytes. */
async function collect(data: AsyncIterable<Uint8Array>, limit: number, keepPrefix = false): Promise<{ bytes: Buffer; size: number; over: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of data) {
    const before = size;
    size += chunk.byteLength;
    if (size <= limit) chunks.push(chunk);
    else {
      // Keep draining so the parser can reach the next part.
      if (keepPrefix && before < limit) chunks.push(chunk.subarray(0, limit - before));
      over = true;
    }
  }
  return { bytes: over && !keepPrefix ? Buffer.alloc(0) : Buffer.concat(chunks), size, over };
}

/** Reads a form that may carry files. Text fields keep their first value; oversized files are flagged, not stored. */
export async function parseFormWithFiles(request: Request): Promise<ParsedForm> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_REQUEST_BYTES) return { fields: {}, uploads: [], tooLarge: true };
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    const form = await request.formData();
    const fields: Record<string, string> = {};
    for (const [k, v] of form) if (typeof v === 'string' && !(k in fields)) fields[k] = keepText(v);
    return { fields, uploads: [], tooLarge: false };
  }
  const fields: Record<string, string> = {};
  const uploads: Upload[] = [];
  let total = 0;
  const handler: UploadHandler = async (part) => {
    if (part.filename === undefined) {
      // 4 bytes per character at most (UTF-8): the prefix kept always holds more than MAX_FIELD_CHARS.
      const { bytes } = await collect(part.data, (MAX_FIELD_CHARS + 1) * 4, true);
      total += bytes.length;
      if (!(part.name in fields)) fields[part.name] = keepText(bytes.toString('utf8'));
      return null;
    }
    const { bytes, size, over } = await collect(part.data, EVIDENCE_LIMITS.maxBytes);
    total += size;
    if (total > MAX_REQUEST_BYTES) throw new FormTooLarge();
    // A file input left empty still sends a part with no name and no bytes.
    if (!part.filename && size === 0) return null;
    uploads.push({ field: part.name, filename: (part.filename || 'file').slice(0, 200), bytes, size, tooLarge: over });
    return null;
  };
  try {
    await multipartReads(() => unstable_parseMultipartFormData(request, handler));
  } catch (err) {
    if (err instanceof FormTooLarge) return { fields, uploads: [], tooLarge: true };
    if (err instanceof TypeError) return { fields: {}, uploads: [], tooLarge: false };
    throw err;
  }
  return { fields, uploads, tooLarge: false };
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * Checks every upload: known field, at most 5 files, at most 10 MB each, and a JPEG, PNG or PDF by
 * content. Returns the accepted files, or one message per offending field (then nothing is stored).
 * An accepted upload's bytes move to its file (the upload keeps RELEASED).
 */
export async function vetUploads(uploads: Upload[]): Promise<{ files: AcceptedFile[]; errors: Partial<Record<EvidenceField | 'files', string>> }> {
  const errors: Partial<Record<EvidenceField | 'files', string>> = {};
  const files: AcceptedFile[] = [];
  if (uploads.length > EVIDENCE_LIMITS.maxFiles) {
    errors.files = `Attach at most ${EVIDENCE_LIMITS.maxFiles} files in all (you attached ${uploads.length}).`;
  }
  for (const upload of uploads) {
    // Own names only: `in` would also take inherited ones (constructor, __proto__, toString).
    if (!Object.hasOwn(EVIDENCE_FIELDS, upload.field)) {
      errors.files ??= `“${upload.filename}” was attached to a field this form does not have. Attach files only as the ID document, business licence, payment record or other evidence.`;
      continue;
    }
    const field = upload.field as EvidenceField;
    if (upload.tooLarge) {
      errors[field] ??= `“${upload.filename}” is ${formatBytes(upload.size)}; each file may be at most 10 MB.`;
      continue;
    }
    if (upload.size === 0) {
      errors[field] ??= `“${upload.filename}” is empty.`;
      continue;
    }
    const detected = await fileTypeFromBuffer(upload.bytes);
    const mime = detected?.mime as (typeof ALLOWED_TYPES)[number] | undefined;
    if (!mime || !ALLOWED_TYPES.includes(mime)) {
      errors[field] ??= `“${upload.filename}” is not a JPEG, PNG or PDF file${detected ? ` (its content is ${detected.mime})` : ''}. Only those formats are accepted, whatever the file's name says.`;
      continue;
    }
    files.push({ field, filename: upload.filename, bytes: upload.bytes, mimeType: mime, size: upload.size, sha256: createHash('sha256').update(upload.bytes).digest('hex') });
    // The accepted file now holds the bytes, alone, so storing it can let them go (withStoredFiles).
    upload.bytes = RELEASED;
  }
  return { files: Object.keys(errors).length ? [] : files, errors };
}
