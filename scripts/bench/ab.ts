// npm run bench:ab -- --b <dir> [--a <dir>] [--rounds 6] [--requests 500] [--connections 2] [--only login,security,queue,case]
//                      [--instances 3] [--a-node-arg=<flag> …] [--b-node-arg=<flag> …]
//
// Compares the portal's CPU per request of two builds on one machine at one time. <dir> is a checkout
// with its own build/ (e.g. a `git worktree` of an older commit, built with `npx remix build`, its
// node_modules a link to this one's). The portals, three per build (--instances), run side by side on
// one quick bench data set; each round sends the same batch of requests to one portal of A and one of
// B, in turn (each pair first A, then B first, alternately), and reads the CPU time of every thread of
// each portal from /proc around its batch. The machine's
// drift hits both builds alike, unlike two `npm run bench` runs minutes apart; what is left (two
// portals of one build still differ, see "B lower" below) takes many rounds to tell from the code.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDatabase } from '~/db/connect.server';
import { applyMigrations } from '~/db/migrator.server';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemoData } from '~/demo/seed.server';
import { hashPassword } from '~/auth/password.server';
import { readConfig } from '~/config.server';
import { totpNow } from '~/staff/totp.server';
import { QUICK_SIZE, seedBenchData, settleDatabase } from './seed';
import { Browser, freePort } from './client';

const { values: args } = parseArgs({
  options: {
    a: { type: 'string', default: '.' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '6' },
    /** Portals per build, taking the rounds in turn: two processes of one build differ by more than small changes do. */
    instances: { type: 'string', default: '3' },
    requests: { type: 'string', default: '500' },
    connections: { type: 'string', default: '2' },
    only: { type: 'string', default: 'baseline,login,security,queue,case' },
    /** Node flags for one side's portal (default: those of npm run serve), e.g. to compare heap settings on one build. */
    'a-node-arg': { type: 'string', multiple: true },
    'b-node-arg': { type: 'string', multiple: true },
  },
});
if (!args.b) {
  console.error('usage: npm run bench:ab -- --b <checkout with a build/> [--a <checkout>]');
  process.exit(2);
}
const ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432/test';
const SESSION_SECRET = 'bench-session-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time of every thread of a process, in ms (schedstat: nanoseconds on a CPU). */
function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1e6;
}

/** Signs in through the portal's forms (each step must redirect) and returns the session's Cookie header. */
async function signIn(base: string, steps: { path: string; form: Record<string, string> }[]): Promise<string> {
  const browser = new Browser(base);
  for (const step of steps) {
    const res = await browser.request(step.path, { form: step.form });
    if (res.status !== 302) throw new Error(`${step.path} answered ${res.status}`);
  }
  return browser.header();
}

async function main() {
  const name = `ard_bench_ab_${Date.now()}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const children: ChildProcess[] = [];
  try {
    const db = await openDatabase({ url: u.toString(), poolSize: 4, queryTimeoutMs: 0 });
    await applyMigrations(db);
    const env0 = {
      PORTAL_MODE: 'production',
      SESSION_SECRET,
      SMTP_URL: 'smtp://127.0.0.1:1',
      PUBLIC_URL: 'http://127.0.0.1',
    };
    await seedDemoData(db.prisma, { encryptionSecret: readConfig(env0 as Record<string, string>).encryptionSecret });
    await seedBenchData(db.prisma, QUICK_SIZE, await hashPassword(DEMO_PASSWORD), () => {});
    await settleDatabase(db.prisma);
    const [theCase] = await db.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT "id" FROM "Appeal" WHERE "status" = 'IN_REVIEW' AND "riskLevel" = 'HIGH' ORDER BY "caseNumber" LIMIT 1`,
    );
    await db.close();

    const portals: { label: string; dir: string; base: string; pid: number }[] = [];
    const instances = Math.max(1, Number(args.instances));
    const sides = [
      ['A', args.a!],
      ['B', args.b!],
    ] as const;
    for (const [label, dir] of Array.from({ length: instances }, () => sides).flat()) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const flags = (label === 'A' ? args['a-node-arg'] : args['b-node-arg']) ?? [
        '--max-old-space-size=192',
        '--max-semi-space-size=16',
      ];
      const child = spawn(process.execPath, [...flags, 'scripts/start.mjs'], {
        cwd: path.resolve(dir),
        env: {
          ...process.env,
          ...env0,
          NODE_ENV: 'production',
          PORTAL_BENCH: '1',
          PORT: String(port),
          PUBLIC_URL: base,
          DATABASE_URL: u.toString(),
          TRUST_PROXY: '1',
          MALLOC_ARENA_MAX: '2',
        },
        stdio: 'ignore',
      });
      children.push(child);
      for (
        let i = 0;
        !(await fetch(`${base}/healthz`)
          .then((r) => r.ok)
          .catch(() => false));
        i++
      ) {
        if (i > 300 || child.exitCode !== null) throw new Error(`portal ${label} (${dir}) did not start`);
        await sleep(100);
      }
      portals.push({ label, dir, base, pid: child.pid! });
    }
    const base = portals[0].base;
    // Sessions are rows in the shared database and cookies are signed with the shared secret: one sign-in serves both portals.
    const alice = await signIn(base, [
      { path: '/login', form: { login: 'alice@example.com', password: DEMO_PASSWORD } },
    ]);
    const agent = await signIn(base, [
      { path: '/staff/login', form: { email: 'agent@support.example.com', password: DEMO_PASSWORD } },
      { path: '/staff/login', form: { intent: 'totp', code: totpNow(DEMO_TOTP_SECRET) } },
    ]);
    const routes: Record<string, { path: string; cookie?: string }> = {
      baseline: { path: '/bench/baseline' },
      login: { path: '/login' },
      security: { path: '/account/security', cookie: alice },
      queue: { path: '/staff/appeals?status=open&risk=HIGH', cookie: agent },
      case: { path: `/staff/appeals/${theCase.id}`, cookie: agent },
    };
    const keys = args.only!.split(',').filter((k) => routes[k]);
    const amount = Number(args.requests);
    const batch = async (p: (typeof portals)[number], key: string) => {
      const r = routes[key];
      const before = cpuMs(p.pid);
      const result = await autocannon({
        url: p.base + r.path,
        connections: Number(args.connections),
        amount,
        headers: r.cookie ? { cookie: r.cookie } : {},
      });
      const ms = (cpuMs(p.pid) - before) / amount;
      if (result.non2xx || result.errors)
        throw new Error(`${key} on ${p.label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      return ms;
    };
    console.log(
      `A = ${path.resolve(args.a!)}, B = ${path.resolve(args.b!)}; ${args.rounds} rounds of ${amount} requests per route and build, ${args.connections} connections; ${instances} portals per build, one per round in turn`,
    );
    for (let i = 0; i < 2; i++) for (const key of keys) for (const p of portals) await batch(p, key); // warm-up: the first batches of a new process run slower
    const samples: Record<string, { A: number[]; B: number[] }> = Object.fromEntries(
      keys.map((k) => [k, { A: [], B: [] }]),
    );
    for (let round = 0; round < Number(args.rounds); round++) {
      const pair = portals.slice(2 * (round % instances), 2 * (round % instances) + 2);
      // Each pair goes first and second in turn.
      const order = Math.floor(round / instances) % 2 ? [pair[1], pair[0]] : pair;
      for (const key of keys) for (const p of order) samples[key][p.label as 'A' | 'B'].push(await batch(p, key));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    // A and B of one round ran back to back, so their difference leaves out the machine's drift
    // between rounds. How many rounds agree on its sign says whether the difference is the code's:
    // two portals of the same build differed by up to 0.4 ms (17 %) in medians of 10 rounds here,
    // one way in one run and the other way in the next, hence several portals per build (--instances).
    console.log(
      `\n${'route'.padEnd(10)} ${'A ms/req'.padStart(9)} ${'B ms/req'.padStart(9)} ${'B − A'.padStart(7)}   B/A   B lower   (medians of ${args.rounds} rounds; B − A is the median of each round's difference; every round: A | B)`,
    );
    for (const key of keys) {
      const { A, B } = samples[key];
      const a = median(A);
      const b = median(B);
      const differences = A.map((x, i) => B[i] - x);
      const lower = differences.filter((d) => d < 0).length;
      console.log(
        `${key.padEnd(10)} ${a.toFixed(3).padStart(9)} ${b.toFixed(3).padStart(9)} ${median(differences).toFixed(3).padStart(7)} ${((b / a) * 100).toFixed(0).padStart(4)} %  ${`${lower}/${differences.length}`.padStart(6)}    ${A.map((x) => x.toFixed(2)).join(' ')} | ${B.map((x) => x.toFixed(2)).join(' ')}`,
      );
    }
    console.log(
      `\nB lower (or higher) in nearly every round, 9 of 10 or 10 of 12, is a difference of the code; anything between is the machine's. Run --a . --b . to see this machine's spread.`,
    );
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
