// Multipart parsing for appeal forms: files are read into memory up to the size cap (never further),
// then their type is decided by their content (file-type), not by their name or declared type.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { fileTypeFromBuffer } from 'file-type';
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
export type AcceptedFile = {
  field: EvidenceField;
  filename: string;
  bytes: Buffer;
  mimeType: (typeof ALLOWED_TYPES)[number];
  sha256: string;
  size: number;
};
/** A form read only in part, or not at all: the answer's status and the words for it. */
export type FormRefusal = { status: number; message: string };
export type ParsedForm = {
  fields: Record<string, string>;
  uploads: Upload[];
  tooLarge: boolean;
  refused?: FormRefusal;
};

/** What an upload's or a file's bytes become once another object, or the disk, holds them. */
export const RELEASED: Buffer = Buffer.alloc(0);

/**
 * How many multipart bodies one client address may have read at once. A body is held in memory while
 * it is read, so the bound keeps one sender from growing the process; it is per address so that slow
 * senders never hold up anybody else's upload (the server drops a body that stalls, see http.server.ts).
 */
export const MULTIPART_READS_PER_CLIENT = 2;
export const UPLOAD_BUSY =
  'Another upload from your network is still being received. Wait until it has finished, then send the form again.';
/** Every part of the appeal form, files included, with room to spare; a body with more is not read on. */
export const MAX_FORM_PARTS = 60;
export const TOO_MANY_PARTS = `The form has more parts than it can have (at most ${MAX_FORM_PARTS}). Send it again from the page, choosing at most ${EVIDENCE_LIMITS.maxFiles} files.`;
const MALFORMED = 'The form could not be read. Send it again from the page.';
const readingNow = new Map<string, number>();

/** Reads a form that may carry files. Text fields keep their first value; oversized files are flagged, not stored. */
export async function parseFormWithFiles(request: Request, options: { client?: string } = {}): Promise<ParsedForm> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_REQUEST_BYTES) return { fields: {}, uploads: [], tooLarge: true };
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    const form = await request.formData();
    const fields: Record<string, string> = {};
    for (const [k, v] of form) if (typeof v === 'string' && !(k in fields)) fields[k] = keepText(v);
    return { fields, uploads: [], tooLarge: false };
  }
  const client = options.client ?? 'unknown';
  const reading = readingNow.get(client) ?? 0;
  if (reading >= MULTIPART_READS_PER_CLIENT)
    return { fields: {}, uploads: [], tooLarge: false, refused: { status: 429, message: UPLOAD_BUSY } };
  readingNow.set(client, reading + 1);
  try {
    return await readMultipart(request, type);
  } finally {
    const left = (readingNow.get(client) ?? 1) - 1;
    if (left > 0) readingNow.set(client, left);
    else readingNow.delete(client);
  }
}

/** busboy reads the parts (it parses quoted header parameters properly: `filename="scan;2024.png"`). */
function readMultipart(request: Request, contentType: string): Promise<ParsedForm> {
  const fields: Record<string, string> = {};
  const uploads: Upload[] = [];
  let total = 0;
  return new Promise<ParsedForm>((resolve) => {
    let settled = false;
    const body = request.body ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>) : Readable.from([]);
    const finish = (result: ParsedForm) => {
      if (settled) return;
      settled = true;
      if (result.refused || result.tooLarge) {
        // Nothing more of this body is parsed; the server reads what is left and drops it once the answer is sent.
        body.unpipe(parser);
        body.pause();
      }
      resolve(result);
    };
    let parser: BusboyInstance;
    try {
      parser = Busboy({
        headers: { 'content-type': contentType },
        // 4 bytes per character at most (UTF-8): the prefix kept always holds more than MAX_FIELD_CHARS.
        limits: { parts: MAX_FORM_PARTS, fieldSize: (MAX_FIELD_CHARS + 1) * 4, fieldNameSize: 200 },
      });
    } catch {
      return finish({ fields: {}, uploads: [], tooLarge: false, refused: { status: 400, message: MALFORMED } });
    }
    parser.on('field', (name, value) => {
      total += Buffer.byteLength(value);
      if (!(name in fields)) fields[name] = keepText(value);
    });
    parser.on('file', (name, stream, filename) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        total += chunk.byteLength;
        if (total > MAX_REQUEST_BYTES) return finish({ fields, uploads: [], tooLarge: true });
        // Past the cap nothing is kept, but the part is still read to its end to reach the next one.
        if (size <= EVIDENCE_LIMITS.maxBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        // A file input left empty still sends a part with no name and no bytes.
        if (!filename && size === 0) return;
        const over = size > EVIDENCE_LIMITS.maxBytes;
        uploads.push({
          field: name,
          filename: (filename || 'file').slice(0, 200),
          bytes: over ? Buffer.alloc(0) : Buffer.concat(chunks),
          size,
          tooLarge: over,
        });
      });
    });
    parser.on('partsLimit', () =>
      finish({ fields, uploads: [], tooLarge: false, refused: { status: 413, message: TOO_MANY_PARTS } }),
    );
    parser.on('error', () =>
      finish({ fields: {}, uploads: [], tooLarge: false, refused: { status: 400, message: MALFORMED } }),
    );
    parser.on('finish', () => finish({ fields, uploads, tooLarge: false }));
    // The sender went away or the server dropped a stalled body: nothing to answer to, nothing kept.
    body.on('error', () =>
      finish({ fields: {}, uploads: [], tooLarge: false, refused: { status: 400, message: MALFORMED } }),
    );
    body.pipe(parser);
  });
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * Checks every upload: known field, at most 5 files, at most 10 MB each, and a JPEG, PNG or PDF by
 * content. Returns the accepted files, or one message per offending field (then nothing is stored).
 * An accepted upload's bytes move to its file (the upload keeps RELEASED).
 */
export async function vetUploads(
  uploads: Upload[],
): Promise<{ files: AcceptedFile[]; errors: Partial<Record<EvidenceField | 'files', string>> }> {
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
      errors[field] ??=
        `“${upload.filename}” is not a JPEG, PNG or PDF file${detected ? ` (its content is ${detected.mime})` : ''}. Only those formats are accepted, whatever the file's name says.`;
      continue;
    }
    files.push({
      field,
      filename: upload.filename,
      bytes: upload.bytes,
      mimeType: mime,
      size: upload.size,
      sha256: createHash('sha256').update(upload.bytes).digest('hex'),
    });
    // The accepted file now holds the bytes, alone, so storing it can let them go (withStoredFiles).
    upload.bytes = RELEASED;
  }
  return { files: Object.keys(errors).length ? [] : files, errors };
}
