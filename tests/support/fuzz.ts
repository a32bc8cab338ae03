// Hostile form input for the resilience suite: values that are malformed, oversized, wrongly typed
// or hostile, fields that are missing or repeated, and bodies in the wrong encoding.
import fc from 'fast-check';

/** Runs per property: small in CI, many with RESILIENCE_LONG=1. */
export const FUZZ_RUNS = process.env.RESILIENCE_LONG ? 150 : 12;

export const ONE_MB = 'x'.repeat(1024 * 1024);

export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  '\'; DROP TABLE "Account"; --',
  '" OR 1=1 --',
  "1000000000000001' OR 'a'='a",
  "alice@example.com' --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '</textarea><svg onload=alert(1)>',
  'javascript:alert(1)',
  '\u202Egnp.exe',
  'a\u200Bb\u200C\u200D\u2060c',
  '\u200F\u202Bمرحبا\u202C',
  '\uFEFFalice@example.com',
  'ＡＬＩＣＥ＠ｅｘａｍｐｌｅ．ｃｏｍ',
  'ali\u0307ce@example.com',
  'alice@example.com\u0000',
  'alice@exa\u0000mple.com',
  'Bob \u0000 Martin',
  'Bob \ud800 Martin',
  '\ud800',
  'Z̵̡̢͇̝a̸̧͎l̶̢̛g̴o̷',
  '👩‍👩‍👧‍👦'.repeat(50),
  '../../../../etc/passwd',
  '%2e%2e%2f%00',
  '${7*7}{{7*7}}<%= 7*7 %>',
  '\r\nSet-Cookie: injected=1',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '[]',
  '{"__proto__":{"admin":true}}',
  ' '.repeat(300),
  '\t\n\r',
  'AP-20260101-000001',
  '-'.repeat(36),
  '0'.repeat(36),
  'ffffffff-ffff-ffff-ffff-fffffffffffg',
  '123456',
  '000000',
  '9999999',
  '1000000000000001',
  '+8613800000001',
  'a@b.c',
  'x'.repeat(255) + '@example.com',
];

/** One field value. */
export const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.constant(ONE_MB) },
  { weight: 1, arbitrary: fc.constant('') },
);

export type Pairs = [string, string][];

/** A value as a form or a URL carries it: a lone surrogate has no UTF-8 encoding and arrives as U+FFFD. */
export const asSent = (value: string) =>
  value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/**
 * A form: each named field present once (from its own arbitrary, or hostile), missing, or repeated
 * with two values; sometimes an unknown extra field.
 */
export function formArb(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Pairs> {
  const parts = Object.entries(fields).map(([name, arb]) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.oneof(arb, hostileValue).map((v): Pairs => [[name, v]]) },
      { weight: 1, arbitrary: fc.constant<Pairs>([]) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.oneof(arb, hostileValue), hostileValue).map(([a, b]): Pairs => [
          [name, a],
          [name, b],
        ]),
      },
    ),
  );
  const extra = fc.array(
    fc.tuple(fc.constantFrom('_action', 'id', 'accountUid', 'role', '__proto__', 'constructor'), hostileValue),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...parts), extra).map(([groups, more]) => [...groups.flat(), ...more]);
}

export type Encoding = 'urlencoded' | 'multipart' | 'json' | 'text' | 'none' | 'broken-multipart';
export const encodingArb: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Encoding>('urlencoded') },
  { weight: 2, arbitrary: fc.constant<Encoding>('multipart') },
  { weight: 2, arbitrary: fc.constantFrom<Encoding>('json', 'text', 'none', 'broken-multipart') },
);

/** The body and content type for a form in a given encoding (multipart may carry files). */
export function encode(
  pairs: Pairs,
  encoding: Encoding,
  files: [string, File][] = [],
): { body: BodyInit | undefined; headers: Record<string, string> } {
  switch (encoding) {
    case 'urlencoded':
      return { body: new URLSearchParams(pairs), headers: {} };
    case 'multipart': {
      const form = new FormData();
      for (const [k, v] of pairs) form.append(k, v);
      for (const [k, f] of files) form.append(k, f);
      return { body: form, headers: {} };
    }
    case 'json':
      return { body: JSON.stringify(Object.fromEntries(pairs)), headers: { 'Content-Type': 'application/json' } };
    case 'text':
      return { body: pairs.map(([k, v]) => `${k}=${v}`).join('\n'), headers: { 'Content-Type': 'text/plain' } };
    case 'none':
      return { body: undefined, headers: {} };
    case 'broken-multipart':
      // Announces a boundary, then never closes the part it opens.
      return {
        body: `--fuzz\r\nContent-Disposition: form-data; name="${pairs[0]?.[0] ?? 'intent'}"\r\n\r\n${pairs[0]?.[1] ?? ''}`,
        headers: { 'Content-Type': 'multipart/form-data; boundary=fuzz' },
      };
  }
}

/** A short description of a form for failure messages (1 MB values abbreviated). */
export function describePairs(pairs: Pairs, encoding: Encoding): string {
  return `${encoding} ${JSON.stringify(pairs.map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v]))}`;
}

/** A counterexample without its 1 MB strings, for a readable failure. */
export function shortJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'string' && v.length > 80
      ? `${v.slice(0, 40)}…(${v.length} chars)`
      : typeof v === 'function'
        ? String(v).slice(0, 80)
        : v instanceof File
          ? `File(${v.name}, ${v.size} B)`
          : v,
  );
}

/** fast-check settings for the suite: bounded runs, and a failure report that stays short. */
export function fuzzRuns<Ts extends unknown[]>(numRuns = FUZZ_RUNS): fc.Parameters<Ts> {
  return {
    numRuns,
    endOnFailure: true,
    reporter(details) {
      if (!details.failed) return;
      const cause =
        details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(
        `Property failed after ${details.numRuns} run(s) (seed ${details.seed}, path ${details.counterexamplePath}).\nCounterexample: ${shortJson(details.counterexample)}\n${cause.slice(0, 2000)}`,
      );
    },
  };
}
