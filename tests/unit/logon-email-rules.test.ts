import { describe, expect, it } from 'vitest';
import { emailSchema, normaliseEmail } from '~/account/email';
import {
  channelSchema,
  codeSchema,
  confirmNewEmailSchema,
  identityCodeSchema,
  newEmailSchema,
} from '~/account/schemas';
import {
  hasPrivilegedWindow,
  identityChannels,
  PRIVILEGED_WINDOW_MS,
  NOT_ME_LINK_DAYS,
} from '~/account/logon-email.server';
import { maskDestination, maskEmail, maskPhone } from '~/lib/masking';
import { logonEmailChangedNew, logonEmailChangedOld } from '~/outbox/templates';

/** A well-formed address of `length` characters (64-char local part, 63-char labels). */
function longEmail(length: number): string {
  const local = 'a'.repeat(64);
  let domain = '';
  while (local.length + 1 + domain.length + 4 < length) {
    const room = length - (local.length + 1 + domain.length + 4) - (domain ? 1 : 0);
    domain += (domain ? '.' : '') + 'b'.repeat(Math.max(1, Math.min(63, room)));
  }
  const email = `${local}@${domain}.com`;
  expect(email).toHaveLength(length);
  return email;
}

describe('emailSchema (the new logon email, client and server)', () => {
  it('trims and lower-cases', () => {
    expect(emailSchema.parse('  New.Owner@Example.COM \t')).toBe('new.owner@example.com');
    expect(normaliseEmail(' A@B.Cn ')).toBe('a@b.cn');
  });

  it.each([
    ['', 'Enter an email address.'],
    ['   ', 'Enter an email address.'],
    ['not-an-email', 'Enter a valid email address, like name@example.com.'],
    ['name@', 'Enter a valid email address, like name@example.com.'],
    ['@example.com', 'Enter a valid email address, like name@example.com.'],
    ['name@example', 'Enter a valid email address, like name@example.com.'],
    ['na me@example.com', 'Enter a valid email address, like name@example.com.'],
    ['name@exa_mple.com', 'Enter a valid email address, like name@example.com.'],
    ['name..x@example.com', 'Enter a valid email address, like name@example.com.'],
    ['name@-example.com', 'Enter a valid email address, like name@example.com.'],
    ['a@b@example.com', 'Enter a valid email address, like name@example.com.'],
    [`${'a'.repeat(65)}@example.com`, 'Enter a valid email address, like name@example.com.'],
  ])('rejects %j with a field message', (value, message) => {
    const result = emailSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toBe(message);
  });

  it('rejects a value that is not a string', () => {
    for (const value of [undefined, null, 42, {}]) {
      const result = emailSchema.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].message).toBe('Enter an email address.');
    }
  });

  it('accepts 254 characters and rejects 255 (RFC 5321), counted after trimming', () => {
    expect(emailSchema.parse(longEmail(254))).toBe(longEmail(254));
    expect(emailSchema.parse(`  ${longEmail(254).toUpperCase()}  `)).toBe(longEmail(254));
    const tooLong = emailSchema.safeParse(longEmail(255));
    expect(tooLong.success).toBe(false);
    expect(tooLong.error!.issues[0].message).toBe('An email address has at most 254 characters.');
  });

  it('accepts ordinary addresses', () => {
    for (const ok of ['a@b.cn', 'first.last+tag@sub.example.co.uk', "o'hara@example.com", 'x_y-z@a-b.example']) {
      expect(emailSchema.safeParse(ok).success).toBe(true);
    }
  });
});

describe('the form schemas', () => {
  it('newEmailSchema and confirmNewEmailSchema normalise the address and demand a 6-digit code', () => {
    expect(newEmailSchema.parse({ newEmail: ' Bob.New@Example.com ' })).toEqual({ newEmail: 'bob.new@example.com' });
    expect(confirmNewEmailSchema.parse({ newEmail: 'X@Y.com', code: ' 012345 ' })).toEqual({
      newEmail: 'x@y.com',
      code: '012345',
    });
    const bad = confirmNewEmailSchema.safeParse({ newEmail: 'nope', code: '12345' });
    expect(bad.success).toBe(false);
    const fields = Object.fromEntries(bad.error!.issues.map((i) => [i.path[0], i.message]));
    expect(fields.newEmail).toBe('Enter a valid email address, like name@example.com.');
    expect(fields.code).toBe('Enter the 6-digit code from the message.');
  });

  it('codeSchema accepts exactly six digits', () => {
    for (const ok of ['000000', '123456', ' 987654 ']) expect(codeSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', '12345', '1234567', '12345a', '12 345', '１２３４５６'])
      expect(codeSchema.safeParse(bad).success).toBe(false);
    expect(identityCodeSchema.safeParse({}).success).toBe(false);
  });

  it('channelSchema knows only SMS and EMAIL', () => {
    expect(channelSchema.parse('SMS')).toBe('SMS');
    expect(channelSchema.parse('EMAIL')).toBe('EMAIL');
    for (const bad of ['sms', 'PHONE', '', null]) {
      const r = channelSchema.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].message).toBe('Choose how to receive the code.');
    }
  });
});

describe('identityChannels', () => {
  it('offers the secure phone first, then the logon email, for an account with a phone', () => {
    expect(identityChannels({ securePhone: '+8613800000001', logonEmail: 'alice@example.com' })).toEqual([
      { channel: 'SMS', target: '+8613800000001' },
      { channel: 'EMAIL', target: 'alice@example.com' },
    ]);
  });

  it('offers only the logon email without a phone', () => {
    expect(identityChannels({ securePhone: null, logonEmail: 'bob@example.com' })).toEqual([
      { channel: 'EMAIL', target: 'bob@example.com' },
    ]);
    expect(identityChannels({ securePhone: '', logonEmail: 'bob@example.com' })).toEqual([
      { channel: 'EMAIL', target: 'bob@example.com' },
    ]);
  });
});

describe('the privileged window', () => {
  it('lasts 15 minutes and is open only strictly before its end', () => {
    expect(PRIVILEGED_WINDOW_MS).toBe(15 * 60_000);
    const now = new Date('2026-01-01T12:00:00Z');
    expect(hasPrivilegedWindow({ privilegedUntil: null }, now)).toBe(false);
    expect(hasPrivilegedWindow({ privilegedUntil: new Date(now.getTime() + 1) }, now)).toBe(true);
    expect(hasPrivilegedWindow({ privilegedUntil: now }, now)).toBe(false);
    expect(hasPrivilegedWindow({ privilegedUntil: new Date(now.getTime() - 1) }, now)).toBe(false);
  });
});

describe('masking and notices', () => {
  it('masks emails and phones', () => {
    expect(maskEmail('alice@example.com')).toBe('a***e@example.com');
    expect(maskEmail('ab@example.com')).toBe('a***@example.com');
    expect(maskPhone('+8613800000001')).toBe('+86138****0001');
    expect(maskDestination('bob@example.com')).toBe('b***b@example.com');
    expect(maskDestination('+8613800000001')).toBe('+86138****0001');
  });

  it('the old address is told what changed, when, from which IP, with the "This wasn\'t me" link', () => {
    const when = new Date('2026-03-04T05:06:07Z');
    const n = logonEmailChangedOld({
      uid: '1000000000000001',
      when,
      ip: '203.0.113.9',
      newEmailMasked: 'n***w@example.com',
      notMeUrl: 'https://desk.example/security/not-me/TOKEN',
      validDays: NOT_ME_LINK_DAYS,
    });
    expect(n.text).toContain('1000000000000001');
    expect(n.text).toContain('n***w@example.com');
    expect(n.text).toContain(when.toUTCString());
    expect(n.text).toContain('203.0.113.9');
    expect(n.text).toContain('https://desk.example/security/not-me/TOKEN');
    expect(n.text).toContain('valid for 7 days');
    const c = logonEmailChangedNew({ uid: '1000000000000001', when });
    expect(c.text).toContain('1000000000000001');
    expect(c.text).toMatch(/unchanged/);
  });
});
