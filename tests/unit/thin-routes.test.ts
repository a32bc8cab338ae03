import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Routes reach the database only through the domain modules (app/account, app/auth, app/audit, …): a query
// written in a route escapes the domain's rules and its tests without HTTP. Handing `services.prisma` or
// `services.db` to a domain call is fine; using it is not.
const ROUTES = path.resolve('app/routes');
const DIRECT = [
  { name: 'a Prisma call', re: /\bprisma\s*\.\s*[\w$]/ },
  { name: 'a transaction', re: /\$transaction\b/ },
  { name: 'a raw query', re: /\$(queryRaw|executeRaw)(Unsafe)?\b/ },
  { name: 'a query inside a transaction', re: /\btx\s*\.\s*\w/ },
  { name: 'SQL', re: /\bsql\s*`/ },
];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? routeFiles(path.join(dir, e.name))
      : /\.[cm]?[jt]sx?$/.test(e.name)
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe('routes reach the database only through domain modules', () => {
  const files = routeFiles(ROUTES);

  it('finds the route modules', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('no route module queries the database itself', () => {
    const found = files.flatMap((file) => {
      const lines = readFileSync(file, 'utf8').split('\n');
      return lines.flatMap((line, i) =>
        DIRECT.filter((d) => d.re.test(line)).map(
          (d) => `${path.relative(ROUTES, file)}:${i + 1} ${d.name}: ${line.trim()}`,
        ),
      );
    });
    expect(found).toEqual([]);
  });

  it('the check sees a query', () => {
    const hits = (text: string) => DIRECT.filter((d) => d.re.test(text)).map((d) => d.name);
    expect(hits('await context.services.prisma.ramUser.findMany({')).toEqual(['a Prisma call']);
    expect(hits('await prisma.$transaction(async (tx) => {')).toEqual(['a Prisma call', 'a transaction']);
    expect(hits('await tx.session.updateMany({')).toEqual(['a query inside a transaction']);
    expect(hits('db.$queryRaw`SELECT 1`')).toEqual(['a raw query']);
    expect(hits('await signedOutReason(context.services.prisma, config, request)')).toEqual([]);
  });
});
