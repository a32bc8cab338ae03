// fileAppeal(), the domain call behind the appeal form's last step, without HTTP: every outcome the
// route turns into an answer, on both databases.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { BASE_DETAILS, latestCodeFor } from '../support/appeals';
import { pngBytes } from '../support/files';
import { fileAppeal, FILING_FLOOR_MS, NO_PROOF, type FilingInput } from '~/appeals/file-appeal.server';
import { sendAppealEmailCode, verifyAppealEmail } from '~/appeals/submit.server';
import type { Upload } from '~/appeals/uploads.server';
import { APPEAL_FORM_MESSAGES } from '~/appeals/schema.server';

const png = (field = 'idDocument'): Upload => {
  const bytes = pngBytes();
  return { field, filename: `${field}.png`, bytes, size: bytes.length, tooLarge: false };
};

describeEachDatabase('fileAppeal: filing the details, without HTTP', (kind) => {
  const portal = useTestPortal(kind);
  const services = () => portal().services;
  const prisma = () => portal().db.prisma;
  let n = 0;

  /** A flow whose new email was proved with a real code, as steps 1–2 of the form do. */
  async function provedFlow(): Promise<{ flowKey: string; newEmail: string; meta: FilingInput['meta'] }> {
    const flowKey = randomBytes(16).toString('hex');
    const newEmail = `filer${++n}-${flowKey.slice(0, 6)}@example.net`;
    const meta = { ip: `198.51.100.${n}`, userAgent: 'vitest' };
    expect((await sendAppealEmailCode(services(), { flowKey, newEmail, meta })).ok).toBe(true);
    const code = await latestCodeFor(prisma(), newEmail);
    expect((await verifyAppealEmail(services(), { flowKey, newEmail, code, meta })).ok).toBe(true);
    return { flowKey, newEmail, meta };
  }
  const appealsTo = (newEmail: string) => prisma().appeal.count({ where: { newEmail } });

  it('without a proved email: no-proof, and nothing stored', async () => {
    const outcome = await fileAppeal(services(), {
      flowKey: 'never-proved',
      fields: { ...BASE_DETAILS },
      uploads: [png()],
      meta: { ip: '198.51.100.200', userAgent: 'vitest' },
    });
    expect(outcome).toEqual({ kind: 'no-proof' });
    expect(NO_PROOF).toMatch(/Prove your new email/);
  });

  it("the form's rules: an ID document, an enterprise's business licence, a field the schema refuses — each named, nothing stored", async () => {
    const flow = await provedFlow();
    const noId = await fileAppeal(services(), { ...flow, fields: { ...BASE_DETAILS }, uploads: [] });
    expect(noId).toEqual({ kind: 'invalid', fieldErrors: { idDocument: APPEAL_FORM_MESSAGES.idDocumentMissing } });
    const enterprise = await fileAppeal(services(), {
      ...flow,
      fields: { ...BASE_DETAILS, accountType: 'ENTERPRISE', holderName: '' },
      uploads: [png()],
    });
    expect(enterprise.kind).toBe('invalid');
    expect(Object.keys((enterprise as { fieldErrors: object }).fieldErrors).sort()).toEqual([
      'businessLicence',
      'holderName',
    ]);
    expect(await appealsTo(flow.newEmail)).toBe(0);
  });

  it('files once: the same proof again (a double submit) and its twin at the same moment answer the same case', async () => {
    const flow = await provedFlow();
    const input = { ...flow, fields: { ...BASE_DETAILS }, uploads: [png()] };
    const [a, b] = await Promise.all([
      fileAppeal(services(), input),
      fileAppeal(services(), { ...input, uploads: [png()] }),
    ]);
    expect(a.kind).toBe('filed');
    expect(b).toEqual(a);
    const again = await fileAppeal(services(), { ...input, uploads: [png()] });
    expect(again).toEqual(a);
    expect(await appealsTo(flow.newEmail)).toBe(1);
    // The twin's stored files were removed again: the case has the one ID document.
    const appeal = await prisma().appeal.findFirstOrThrow({
      where: { newEmail: flow.newEmail },
      include: { evidence: true },
    });
    expect(appeal.evidence.map((e) => e.kind)).toEqual(['ID_DOCUMENT']);
  });

  it('a filled honeypot: the same-looking answer after the timing floor, an audit line, no case', async () => {
    const flow = await provedFlow();
    const started = performance.now();
    const outcome = await fileAppeal(services(), {
      ...flow,
      fields: { ...BASE_DETAILS, website: 'http://spam.example' },
      uploads: [png()],
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(FILING_FLOOR_MS - 5);
    expect(outcome).toEqual({ kind: 'decoy', newEmail: flow.newEmail });
    expect(await appealsTo(flow.newEmail)).toBe(0);
    expect(await prisma().auditEvent.count({ where: { action: 'appeal.honeypot', ip: flow.meta.ip } })).toBe(1);
  });
});
