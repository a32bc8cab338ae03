import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseFormWithFiles,
  vetUploads,
  MAX_FORM_PARTS,
  MAX_REQUEST_BYTES,
  TOO_MANY_PARTS,
  type Upload,
} from '~/appeals/uploads.server';
import { EvidenceStore, withStoredFiles } from '~/appeals/evidence-store.server';
import { appealDetailsSchema, customerStatus } from '~/appeals/schema';
import { addWorkingDays, resumeSla } from '~/appeals/sla';
import { file, htmlBytes, jpegBytes, pdfBytes, pngBytes } from '../support/files';

const upload = (field: string, filename: string, bytes: Buffer, tooLarge = false): Upload => ({
  field,
  filename,
  bytes,
  size: bytes.length,
  tooLarge,
});

describe('evidence files are judged by their content', () => {
  it('accepts a JPEG, a PNG and a PDF, and records their SHA-256', async () => {
    const { files, errors } = await vetUploads([
      upload('idDocument', 'id.jpg', jpegBytes()),
      upload('paymentRecord', 'pay.png', pngBytes()),
      upload('businessLicence', 'lic.pdf', pdfBytes()),
    ]);
    expect(errors).toEqual({});
    expect(files.map((f) => f.mimeType)).toEqual(['image/jpeg', 'image/png', 'application/pdf']);
    expect(files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('takes a PNG renamed .pdf for the PNG it is', async () => {
    const { files, errors } = await vetUploads([upload('idDocument', 'passport.pdf', pngBytes())]);
    expect(errors).toEqual({});
    expect(files[0].mimeType).toBe('image/png');
  });
  it('refuses a .pdf that is really HTML, with a message at the field, and accepts nothing then', async () => {
    const { files, errors } = await vetUploads([
      upload('idDocument', 'id.jpg', jpegBytes()),
      upload('paymentRecord', 'invoice.pdf', htmlBytes()),
    ]);
    expect(files).toEqual([]);
    expect(errors.paymentRecord).toMatch(/invoice\.pdf.*not a JPEG, PNG or PDF/);
    expect(errors.idDocument).toBeUndefined();
  });
  it('refuses an oversized file and an empty one', async () => {
    const big = await vetUploads([upload('idDocument', 'huge.png', Buffer.alloc(0), true)]);
    expect(big.errors.idDocument).toMatch(/at most 10 MB/);
    const empty = await vetUploads([upload('idDocument', 'empty.png', Buffer.alloc(0))]);
    expect(empty.errors.idDocument).toMatch(/empty/);
  });
  it('refuses more than 5 files', async () => {
    const six = Array.from({ length: 6 }, (_, i) => upload('otherEvidence', `p${i}.png`, pngBytes()));
    const { files, errors } = await vetUploads(six);
    expect(files).toEqual([]);
    expect(errors.files).toMatch(/at most 5 files/);
  });
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'refuses a real PNG under the inherited name %s, and accepts nothing then',
    async (field) => {
      const { files, errors } = await vetUploads([
        upload('idDocument', 'id.png', pngBytes()),
        upload(field, 'extra.png', pngBytes()),
      ]);
      expect(files).toEqual([]);
      expect(errors.files).toMatch(/“extra\.png” was attached to a field this form does not have/);
    },
  );
  it('refuses an executable disguised as a JPEG', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    const { errors } = await vetUploads([upload('idDocument', 'photo.jpg', elf)]);
    expect(errors.idDocument).toMatch(/photo\.jpg/);
  });
});

describe('evidence bytes are held only until they are on disk', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ard-evidence-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("moves an accepted upload's bytes to its file, and lets them go once written, the disk keeping them whole", async () => {
    const png = pngBytes();
    const uploads = [upload('idDocument', 'id.png', png)];
    const { files } = await vetUploads(uploads);
    expect(uploads[0].bytes.length).toBe(0);
    expect(files[0].bytes).toBe(png);
    const names = await withStoredFiles(new EvidenceStore(dir), files, async (stored) => {
      // While the answer is prepared, no copy of the bytes is held: not by the file, not by what `use` gets.
      expect(files[0].bytes.length).toBe(0);
      expect(stored[0].bytes.length).toBe(0);
      return stored.map((f) => f.storedName);
    });
    expect(readFileSync(path.join(dir, names[0]))).toEqual(png);
  });
  it('removes what it wrote when the step that records the files fails', async () => {
    const { files } = await vetUploads([
      upload('idDocument', 'id.png', pngBytes()),
      upload('paymentRecord', 'pay.pdf', pdfBytes()),
    ]);
    await expect(
      withStoredFiles(new EvidenceStore(dir), files, async () => Promise.reject(new Error('rolled back'))),
    ).rejects.toThrow('rolled back');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('multipart parsing', () => {
  it('reads fields and files, and flags a file over 10 MB without keeping it', async () => {
    const form = new FormData();
    form.append('intent', 'submit');
    form.append('idDocument', file(pngBytes(), 'id.png', 'image/png'));
    form.append('paymentRecord', file(Buffer.alloc(10 * 1024 * 1024 + 1, 7), 'big.pdf', 'application/pdf'));
    form.append('businessLicence', file(Buffer.alloc(0), '', 'application/octet-stream'));
    const parsed = await parseFormWithFiles(new Request('http://x/appeals/new', { method: 'POST', body: form }));
    expect(parsed.fields.intent).toBe('submit');
    expect(parsed.uploads.map((u) => [u.field, u.tooLarge])).toEqual([
      ['idDocument', false],
      ['paymentRecord', true],
    ]);
    expect(parsed.uploads[1].bytes.length).toBe(0);
  });
  it('keeps an over-long text field longer than any field may be (never a stand-in value), in either encoding', async () => {
    for (const value of ['x'.repeat(1024 * 1024), '汉'.repeat(100_000), '👩'.repeat(50_000)]) {
      const form = new FormData();
      form.append('holderName', value);
      form.append('idDocument', file(pngBytes(), 'id.png', 'image/png'));
      const multipart = await parseFormWithFiles(new Request('http://x/appeals/new', { method: 'POST', body: form }));
      expect(multipart.fields.holderName).toBe(value.slice(0, 20_001));
      const urlencoded = await parseFormWithFiles(
        new Request('http://x/appeals/new', { method: 'POST', body: new URLSearchParams({ holderName: value }) }),
      );
      expect(urlencoded.fields.holderName).toBe(value.slice(0, 20_001));
    }
  });
  it.each(['scan=1.png', 'scan;2024.png', 'a=b;c=d.pdf'])('reads a file named %s under its name', async (name) => {
    const form = new FormData();
    form.append('intent', 'submit');
    form.append('idDocument', file(pngBytes(), name, 'image/png'));
    const parsed = await parseFormWithFiles(new Request('http://x/appeals/new', { method: 'POST', body: form }));
    expect(parsed.refused).toBeUndefined();
    expect(parsed.uploads.map((u) => [u.field, u.filename, u.size])).toEqual([['idDocument', name, pngBytes().length]]);
  });
  it(`stops reading a form of more than ${MAX_FORM_PARTS} parts and says why`, async () => {
    const form = new FormData();
    for (let i = 0; i <= MAX_FORM_PARTS; i++) form.append(`f${i}`, 'v');
    const parsed = await parseFormWithFiles(new Request('http://x/appeals/new', { method: 'POST', body: form }));
    expect(parsed.refused).toEqual({ status: 413, message: TOO_MANY_PARTS });
  });
  it('refuses a request declaring more than the whole limit before reading it', async () => {
    const req = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-length': String(MAX_REQUEST_BYTES + 1), 'content-type': 'multipart/form-data; boundary=x' },
      body: 'x',
    });
    expect((await parseFormWithFiles(req)).tooLarge).toBe(true);
  });
});

describe('appeal form schema', () => {
  const base = {
    scenario: 'FORGOT_LOGON_EMAIL',
    givenUid: '1000000000000001',
    accountType: 'INDIVIDUAL',
    holderName: 'Alice Chen',
    lastPaymentAmount: '128.00',
    lastPaymentCurrency: 'CNY',
    createdMonth: '2019-03',
  };
  it('accepts a complete form', () => expect(appealDetailsSchema.safeParse(base).success).toBe(true));
  it('needs one way to identify the account', () => {
    const r = appealDetailsSchema.safeParse({ ...base, givenUid: '' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toMatch(/UID, its alias or its old logon email/);
  });
  it('needs a new phone (E.164) when the phone is lost', () => {
    expect(appealDetailsSchema.safeParse({ ...base, scenario: 'PHONE_UNAVAILABLE' }).success).toBe(false);
    expect(
      appealDetailsSchema.safeParse({ ...base, scenario: 'PHONE_UNAVAILABLE', newPhone: '13800000001' }).success,
    ).toBe(false);
    const ok = appealDetailsSchema.safeParse({ ...base, scenario: 'PHONE_UNAVAILABLE', newPhone: '+86 138 0000 0001' });
    expect(ok.success && ok.data.newPhone).toBe('+8613800000001');
  });
  it.each([
    ['givenUid', '12345'],
    ['lastPaymentAmount', '12,50'],
    ['lastPaymentCurrency', 'XXX'],
    ['createdMonth', '2019-13'],
    ['holderName', 'A'],
    ['givenOldEmail', 'not-an-email'],
  ])('rejects %s = %s', (field, value) =>
    expect(appealDetailsSchema.safeParse({ ...base, [field]: value }).success).toBe(false),
  );
});

describe('SLA and status words', () => {
  it('counts 3 working days, skipping weekends', () => {
    expect(addWorkingDays(new Date('2026-11-26T10:00:00Z'), 3).toISOString()).toBe('2026-12-01T10:00:00.000Z'); // Thu → Tue
    expect(addWorkingDays(new Date('2026-11-23T10:00:00Z'), 3).toISOString()).toBe('2026-11-26T10:00:00.000Z'); // Mon → Thu
  });
  it('moves the due date out by the time spent waiting for the customer', () => {
    const due = new Date('2026-12-01T10:00:00Z');
    expect(resumeSla(due, new Date('2026-11-27T10:00:00Z'), new Date('2026-11-29T10:00:00Z')).toISOString()).toBe(
      '2026-12-03T10:00:00.000Z',
    );
    expect(resumeSla(due, null, new Date())).toBe(due);
  });
  it('speaks plainly to the customer', () => {
    expect(customerStatus('IN_REVIEW').label).toBe("We're reviewing your appeal");
    expect(customerStatus('PENDING_SECOND_APPROVAL').label).toBe("We're reviewing your appeal");
    expect(customerStatus('AWAITING_CUSTOMER').label).toBe('We need more information');
    expect(customerStatus('APPROVED', { newEmail: 'new@example.com' }).label).toBe(
      'Approved — you can now sign in with new@example.com',
    );
    expect(customerStatus('REJECTED', { rejectFinal: false }).label).toBe('Rejected — you may file again');
    expect(customerStatus('REJECTED', { rejectFinal: true }).label).toBe('Rejected');
  });
});
