import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

// argon2id with OWASP's minimum profile (19 MiB, t=2, p=1).
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** A real hash of a random password, so an unknown login costs the same as a known one. */
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}`);
  const target = passwordHash ?? (await dummyHash);
  try {
    const ok = await verify(target, password);
    return ok && Boolean(passwordHash);
  } catch {
    return false;
  }
}

export const PASSWORD_RULES =
  'At least 10 characters, with letters and digits; not a common password, and not your email or name.';

export const PASSWORD_TOO_COMMON =
  'This password is too easy to guess: it is a common password or close to one. Add words or characters of your own that follow no pattern.';
export const PASSWORD_PERSONAL =
  'Do not use your email address, your name or the name of this service in the password.';

/** zxcvbn's "safely unguessable" (about 10^8 guesses and more), the usual bar for a password it checks. */
const MIN_SCORE = 3;
/** Only the first characters are judged: longer passwords are long enough, and the check stays cheap. */
const CHECKED_LENGTH = 64;
const SERVICE_WORDS = ['account', 'recovery', 'desk', 'aliyun', 'onaliyun'];

let checker: ZxcvbnFactory | undefined;
/** Built on first use: ranking the common-password and word lists takes ~0.1 s. */
function strength(): ZxcvbnFactory {
  checker ??= new ZxcvbnFactory({
    dictionary: common.dictionary,
    graphs: common.adjacencyGraphs,
    maxLength: CHECKED_LENGTH,
  });
  return checker;
}

/** The words of an email and a name that a password must not be built on. */
function personalWords(owner: PasswordOwner): string[] {
  const words = new Set<string>(SERVICE_WORDS);
  const email = owner.email?.trim().toLowerCase();
  if (email) {
    words.add(email);
    for (const part of email.split(/[@.+_-]/)) words.add(part);
  }
  for (const part of owner.name?.toLowerCase().split(/[\s.,'-]+/) ?? []) words.add(part);
  return [...words].filter((w) => w.length >= 3);
}

export type PasswordOwner = { email?: string | null; name?: string | null };

/**
 * Why a new password cannot be used, or null. Every place a password is set calls this with the
 * account's (or member's) email and name: a common or breached password, or one close to it (the
 * common-password list of @zxcvbn-ts/language-common, with its case, l33t and reversal variants), and
 * one built on the owner's email, name or this service's name are refused (NIST SP 800-63B §5.1.1.2).
 */
export function passwordProblem(password: string, owner: PasswordOwner = {}): string | null {
  if (password.length < 10) return 'Use at least 10 characters.';
  if (password.length > 128) return 'Use at most 128 characters.';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return 'Use both letters and digits.';
  const result = strength().check(password, personalWords(owner));
  if (result.sequence.some((m) => m.pattern === 'dictionary' && m.dictionaryName === 'userInputs'))
    return PASSWORD_PERSONAL;
  if (result.score < MIN_SCORE) return PASSWORD_TOO_COMMON;
  return null;
}
