// The staff queue's SQL (one statement: a range per status, merged, the assignee's name joined in)
// against a model: every filter, followed page by page through its cursors, must list exactly the
// rows a plain filter-and-sort over all appeals gives, in the same order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMongoAbility } from '@casl/ability';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import type { Database } from '~/db/connect.server';
import { defineAbilityFor, type AppAbility } from '~/authz/ability';
import {
  PAGE_SIZE,
  loadQueue,
  parseQueueFilters,
  readQueueFilters,
  readsEveryAppeal,
  statusesOf,
} from '~/appeals/queue.server';
import type { AppealStatus } from '~/generated/prisma/client';
import { inProcessTimeZone } from '../support/time-zone';

const STATUSES: AppealStatus[] = [
  'SUBMITTED',
  'IN_REVIEW',
  'AWAITING_CUSTOMER',
  'PENDING_SECOND_APPROVAL',
  'APPROVED',
  'REJECTED',
  'WITHDRAWN',
  'EXPIRED',
  'CANCELLED_BY_OWNER',
];
const SCENARIOS = ['FORGOT_LOGON_EMAIL', 'PHONE_UNAVAILABLE', 'EMAIL_CHANGED_NOT_ME'] as const;
const APPEALS = 300;

describeEachDatabase('staff queue SQL against a model', (kind) => {
  let db: Database;
  let me: string;
  let other: string;
  let ability: AppAbility;
  const now = new Date('2026-06-15T12:00:00Z');
  type Row = {
    id: string;
    caseNumber: string;
    status: AppealStatus;
    riskLevel: 'NORMAL' | 'HIGH';
    priority: number;
    scenario: string;
    assigneeId: string | null;
    slaDueAt: Date;
    newEmail: string;
    givenOldEmail: string | null;
    givenUid: string | null;
    accountUid: string | null;
  };
  let rows: Row[] = [];

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const [a, b] = await Promise.all(
      ['Quinn Queue', 'Olga Other'].map((name, i) =>
        db.prisma.staff.create({ data: { email: `q${i}@support.example.com`, name, roles: ['AGENT'] } }),
      ),
    );
    me = a.id;
    other = b.id;
    ability = defineAbilityFor({ kind: 'staff', staffId: me, roles: ['AGENT'], active: true, label: a.name });
    // 300 appeals: every status, both risks, three scenarios, three assignees, due dates from 3 days
    // ago to 3 days ahead — with ties on the due date, so the id decides the order (and the cursor).
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const data = Array.from({ length: APPEALS }, (_, i) => ({
      caseNumber: `AP-20260615-${String(900000 + i)}`,
      scenario: SCENARIOS[rnd(3)],
      status: STATUSES[rnd(STATUSES.length)],
      riskLevel: rnd(3) === 0 ? ('HIGH' as const) : ('NORMAL' as const),
      // About one in four is a "This wasn’t me" priority case: listed before every other, by due date.
      priority: rnd(4) === 0 ? 10 : 0,
      assigneeId: [null, me, other][rnd(3)],
      slaDueAt: new Date(now.getTime() + (rnd(13) - 6) * 12 * 3600_000),
      accountType: 'INDIVIDUAL' as const,
      holderName: `Holder ${i}`,
      newEmail: `new${rnd(20)}@example.net`,
      givenOldEmail: rnd(2) ? `old${rnd(10)}@example.com` : null,
      givenUid: rnd(2) ? `5${String(rnd(5)).padStart(15, '0')}` : null,
      trackingTokenHash: `queue-test-${String(i).padStart(4, '0')}`.padEnd(64, '0'),
    }));
    await db.prisma.appeal.createMany({ data });
    rows = await db.prisma.appeal.findMany({
      select: {
        id: true,
        caseNumber: true,
        status: true,
        riskLevel: true,
        priority: true,
        scenario: true,
        assigneeId: true,
        slaDueAt: true,
        newEmail: true,
        givenOldEmail: true,
        givenUid: true,
        accountUid: true,
      },
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A search, as the page's hint describes it: a UID, the start of a case number or of its number part, the start of an email. */
  function matches(r: Row, q: string): boolean {
    if (/^\d{16}$/.test(q)) return r.accountUid === q || r.givenUid === q;
    const day = /^AP-?(\d{0,8})$/i.exec(q) ?? /^(\d{7,8})$/.exec(q);
    if (day) return r.caseNumber.startsWith(`AP-${day[1]}`);
    const number = /^(?:AP-?)?(\d{8})-(\d{0,6})$/i.exec(q);
    if (number) return r.caseNumber.startsWith(`AP-${number[1]}-${number[2]}`);
    if (/^\d{1,6}$/.test(q)) return r.caseNumber.slice(12).startsWith(q);
    const email = q.toLowerCase();
    return r.newEmail.startsWith(email) || (r.givenOldEmail ?? '').startsWith(email);
  }

  /** What the queue should list for these filters: a plain filter and sort over every row. */
  function model(query: string): Row[] {
    const f = parseQueueFilters(new URLSearchParams(query));
    const statuses = new Set(statusesOf(f));
    const in24h = now.getTime() + 24 * 3600_000;
    const q = f.q?.trim();
    return rows
      .filter((r) => statuses.has(r.status))
      .filter((r) => !f.scenario || r.scenario === f.scenario)
      .filter((r) => !f.risk || r.riskLevel === f.risk)
      .filter((r) =>
        f.assignee === 'mine'
          ? r.assigneeId === me
          : f.assignee === 'unassigned'
            ? r.assigneeId === null
            : f.assignee
              ? r.assigneeId === f.assignee
              : true,
      )
      .filter((r) =>
        f.sla === 'breached'
          ? r.slaDueAt.getTime() < now.getTime()
          : f.sla === 'due_24h'
            ? r.slaDueAt.getTime() >= now.getTime() && r.slaDueAt.getTime() < in24h
            : f.sla === 'on_time'
              ? r.slaDueAt.getTime() >= in24h
              : true,
      )
      .filter((r) => !q || matches(r, q))
      .sort(
        (a, b) =>
          Number(b.priority > 0) - Number(a.priority > 0) ||
          a.slaDueAt.getTime() - b.slaDueAt.getTime() ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
  }

  /**
   * Every page of the queue, following the "next" cursors; then back from the last page by the
   * "previous" ones, which must give the same pages in reverse.
   */
  async function allPages(query: string) {
    const seen: {
      id: string;
      assignee: { id: string; name: string } | null;
      breached: boolean;
      dueSoon: boolean;
      pageLength: number;
    }[] & { total?: number } = [];
    const pages: string[][] = [];
    const load = (cursor: Record<string, string>) => {
      const params = new URLSearchParams(query);
      for (const [k, v] of Object.entries(cursor)) params.set(k, v);
      return loadQueue(db, ability, me, parseQueueFilters(params), now);
    };
    let page = await load({});
    expect(page.prev).toBeNull();
    seen.total = page.total;
    for (let n = 0; ; n++) {
      if (n > 20) throw new Error('the queue did not end within 20 pages');
      for (const r of page.rows)
        seen.push({
          id: r.id,
          assignee: r.assignee,
          breached: r.breached,
          dueSoon: r.dueSoon,
          pageLength: page.rows.length,
        });
      pages.push(page.rows.map((r) => r.id));
      expect(page.total).toBe(seen.total);
      if (!page.next) break;
      expect(page.rows).toHaveLength(PAGE_SIZE);
      page = await load({ after: page.next });
    }
    for (let n = pages.length - 2; n >= 0; n--) {
      expect(page.prev, `page ${n + 2} of ${query} has a previous page`).not.toBeNull();
      page = await load({ before: page.prev! });
      expect(page.rows.map((r) => r.id)).toEqual(pages[n]);
    }
    expect(page.prev).toBeNull();
    return seen;
  }

  const queries = [
    '',
    'status=open&risk=HIGH',
    'status=all',
    'status=APPROVED',
    'status=IN_REVIEW&assignee=mine',
    'assignee=unassigned',
    'assignee=mine&scenario=PHONE_UNAVAILABLE',
    'sla=breached',
    'sla=due_24h&status=all',
    'sla=on_time&risk=HIGH',
    'status=AWAITING_CUSTOMER&sla=breached', // the clock does not run while waiting: nothing
    'status=EXPIRED&risk=HIGH&scenario=EMAIL_CHANGED_NOT_ME',
    'status=all&q=AP-20260615-900007',
    'status=all&q=ap-20260615-900011',
    'status=all&q=NEW3@EXAMPLE.NET',
    'status=all&q=old4@example.com',
    'status=all&q=5000000000000002',
    'status=all&q=nothing-like-this',
    // Prefixes: of a case number, of its number part, of an email (% and _ are letters, not patterns).
    'status=all&q=AP-20260615-9001',
    'status=all&q=ap20260615-90002',
    'status=all&q=20260615',
    'status=all&q=90011',
    'status=all&q=new1',
    'status=all&q=OLD',
    'status=all&q=new%',
    'status=all&q=n_w1',
  ];

  it.each(queries)('lists what the model lists, page after page (and back), with the count: %s', async (query) => {
    const expected = model(query);
    const got = await allPages(query);
    expect(got.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(got.total).toBe(expected.length);
    for (const r of got) {
      const row = rows.find((x) => x.id === r.id)!;
      expect(r.assignee).toEqual(
        row.assigneeId ? { id: row.assigneeId, name: row.assigneeId === me ? 'Quinn Queue' : 'Olga Other' } : null,
      );
      const running = ['SUBMITTED', 'IN_REVIEW', 'PENDING_SECOND_APPROVAL'].includes(row.status);
      expect(r.breached).toBe(running && row.slaDueAt < now);
      expect(r.dueSoon).toBe(running && row.slaDueAt >= now && row.slaDueAt.getTime() < now.getTime() + 24 * 3600_000);
    }
  });

  it('lists the same with this process in another time zone (dates go to the database as UTC instants)', async () => {
    // UTC+5:45: a local reading of a timestamp would move every SLA boundary.
    await inProcessTimeZone('Asia/Kathmandu', async () => {
      expect(new Date(2026, 5, 1).getTimezoneOffset()).toBe(-345);
      for (const query of ['sla=breached', 'sla=due_24h&status=all', 'sla=on_time&risk=HIGH', 'status=all']) {
        const got = await allPages(query);
        expect(got.map((r) => r.id)).toEqual(model(query).map((r) => r.id));
      }
    });
  });

  it('the model is not trivial: several filters span more than one page, some list nothing', () => {
    expect(model('status=all').length).toBe(APPEALS);
    expect(queries.filter((q) => model(q).length > PAGE_SIZE).length).toBeGreaterThanOrEqual(4);
    expect(model('status=AWAITING_CUSTOMER&sla=breached')).toHaveLength(0);
    // Priority cases on more than one page, and a page that holds both lanes (the lane changes inside it).
    const priority = model('status=all').filter((r) => r.priority > 0).length;
    expect(priority).toBeGreaterThan(PAGE_SIZE);
    expect(priority % PAGE_SIZE).not.toBe(0);
  });

  it('a broken or foreign cursor starts from the beginning instead of failing', async () => {
    const first = await loadQueue(db, ability, me, parseQueueFilters(new URLSearchParams('status=all')), now);
    const id = rows[0].id;
    const foreign = [
      'not-base64!',
      'n|2026-01-01T00:00:00Z|not-a-uuid',
      'x|\'; DROP TABLE "Appeal"; --',
      `2026-01-01T00:00:00.000Z|${id}`,
      `q|2026-01-01T00:00:00.000Z|${id}`,
    ];
    for (const after of foreign.map((c, i) => (i === 0 ? c : Buffer.from(c).toString('base64url')))) {
      const page = await loadQueue(
        db,
        ability,
        me,
        parseQueueFilters(new URLSearchParams({ status: 'all', after })),
        now,
      );
      expect(page.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    }
    expect(await db.prisma.appeal.count()).toBe(APPEALS);
  });

  it('a cursor with a date out of range (past year 9999, before 2000, year 0, not a date) starts from the beginning instead of failing', async () => {
    const first = await loadQueue(db, ability, me, parseQueueFilters(new URLSearchParams('status=all')), now);
    const id = rows[0].id;
    for (const iso of [
      '+100000-01-01T00:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
      '10000-01-01T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '1999-12-31T23:59:59.999Z',
      '2026-02-30T00:00:00.000Z',
      'Invalid Date',
    ]) {
      const after = Buffer.from(`n|${iso}|${id}`).toString('base64url');
      const page = await loadQueue(
        db,
        ability,
        me,
        parseQueueFilters(new URLSearchParams({ status: 'all', after })),
        now,
      );
      expect(
        page.rows.map((r) => r.id),
        iso,
      ).toEqual(first.rows.map((r) => r.id));
    }
    // The last instant of the range is a cursor like any other: nothing is due after it.
    const last = Buffer.from(`n|9999-12-31T23:59:59.999Z|${id}`).toString('base64url');
    expect(
      (await loadQueue(db, ability, me, parseQueueFilters(new URLSearchParams({ status: 'all', after: last })), now))
        .rows,
    ).toEqual([]);
    expect(await db.prisma.appeal.count()).toBe(APPEALS);
  });

  it('only an ability that reads every appeal may list the queue', async () => {
    expect(readsEveryAppeal(ability)).toBe(true);
    expect(
      readsEveryAppeal(
        defineAbilityFor({ kind: 'staff', staffId: me, roles: ['ADMIN'], active: true, label: 'Admin' }),
      ),
    ).toBe(false);
    const some = createMongoAbility([
      { action: 'read', subject: 'Appeal', conditions: { assigneeId: me } },
    ]) as unknown as AppAbility;
    expect(readsEveryAppeal(some)).toBe(false);
    await expect(loadQueue(db, some, me, parseQueueFilters(new URLSearchParams()), now)).rejects.toThrow(
      /reads only some/,
    );
  });

  it('a filter that is not valid is named with a message and filters nothing, instead of being dropped in silence', () => {
    const read = (query: string) => readQueueFilters(new URLSearchParams(query));
    expect(read('assignee=not-a-uuid').errors).toEqual({ assignee: 'Choose an assignee from the list.' });
    expect(read(`q=${'x'.repeat(255)}`).errors.q).toMatch(/at most 254 characters/);
    expect(read('status=BOGUS&risk=LOW').errors).toEqual({
      status: 'Choose a status from the list.',
      risk: 'Choose a risk level from the list.',
    });
    const ok = read(`status=all&assignee=${me}&q=${'x'.repeat(254)}`);
    expect(ok.errors).toEqual({});
    expect(ok.filters).toMatchObject({ status: 'all', assignee: me });
  });
});
