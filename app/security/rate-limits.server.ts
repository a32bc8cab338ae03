import { RateLimiterPrisma, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { PrismaClient } from '~/generated/prisma/client';

/** Limits that must hold across portal instances: the store is Redis when REDIS_URL is set, else the database. */
export type LimiterSpec = { points: number; durationSec: number; blockSec?: number };

export const LIMITS = {
  // Password guessing (auth/guessing.server.ts): tight per login name and client address, per address
  // across names, and per name from anywhere only a growing wait, so strangers cannot lock anyone out.
  /** Failed sign-ins per login name (whether or not it exists) and client address. */
  loginFailuresPerLoginAndIp: { points: 5, durationSec: 15 * 60, blockSec: 15 * 60 },
  /** Failed sign-ins (customer or staff) per client IP. */
  loginFailuresPerIp: { points: 30, durationSec: 15 * 60, blockSec: 15 * 60 },
  /** Failed sign-ins per login name from any address: counted, never refused (beyond a few, each next guess waits). */
  loginFailuresPerLogin: { points: 1_000_000, durationSec: 24 * 60 * 60 },
  /** The wait before a login name's next guess, set with `block`; one guess at a time is checked meanwhile. */
  loginWaitPerLogin: { points: 1, durationSec: 1 },
  /** The same for staff sign-in (password or TOTP step), per email. */
  staffFailuresPerLoginAndIp: { points: 5, durationSec: 15 * 60, blockSec: 15 * 60 },
  staffFailuresPerLogin: { points: 1_000_000, durationSec: 24 * 60 * 60 },
  staffWaitPerLogin: { points: 1, durationSec: 1 },
  /** Code requests per client IP, each kind its own budget (a shared office address asks for many). */
  resetCodeRequestsPerIp: { points: 20, durationSec: 60 * 60 },
  appealCodeRequestsPerIp: { points: 20, durationSec: 60 * 60 },
  /**
   * Codes signed-in owners ask for (identity, new logon email) per IP; anonymous requests never spend it.
   * Generous: each account and destination has its own limits, and many owners may share one office address.
   */
  signedInCodeRequestsPerIp: { points: 100, durationSec: 60 * 60 },
  /** Password-reset codes asked for one logon email (whether or not it is registered). */
  resetRequestsPerEmail: { points: 5, durationSec: 60 * 60 },
  /** One reset code a minute per browser flow. */
  resetRequestsPerFlow: { points: 1, durationSec: 60 },
  appealsPerIp: { points: 10, durationSec: 24 * 60 * 60 },
  /** Look-ups of an account's single sign-on by UID or alias, per client IP (they tell whether an account exists and uses SSO). */
  ssoLookupsPerIp: { points: 100, durationSec: 15 * 60 },
  appealsPerEmail: { points: 3, durationSec: 24 * 60 * 60 },
  /**
   * New logon emails looked up for one account (send code and confirm each look one up): "already in
   * use" must be said, so the number of addresses an account can test is what is limited.
   */
  newEmailLookupsPerAccount: { points: 30, durationSec: 60 * 60 },
} satisfies Record<string, LimiterSpec>;

export type LimitName = keyof typeof LIMITS;

/**
 * Keys come from the request (a login name, an email): a long one is replaced by its hash, so it is
 * still counted but always fits the store (the database column holds 255 characters with the prefix).
 */
export function storeKey(key: string): string {
  return key.length > 100 ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
}

export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterSec: number };

export class RateLimits {
  private limiters = new Map<LimitName, RateLimiterAbstract>();
  /** Told of every refusal (the portal's metrics count them by limiter). */
  onRefused?: (name: LimitName) => void;

  constructor(
    private readonly store: { kind: 'redis'; client: Redis } | { kind: 'prisma'; client: PrismaClient },
    private readonly specs: Record<LimitName, LimiterSpec> = LIMITS,
  ) {}

  get storeKind() {
    return this.store.kind;
  }

  private limiter(name: LimitName): RateLimiterAbstract {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const spec = this.specs[name];
      const common = {
        keyPrefix: `ard:${name}`,
        points: spec.points,
        duration: spec.durationSec,
        blockDuration: spec.blockSec ?? 0,
      };
      limiter =
        this.store.kind === 'redis'
          ? new RateLimiterRedis({ ...common, storeClient: this.store.client })
          : new RateLimiterPrisma({
              ...common,
              storeClient: this.store.client,
              tableName: 'rateLimiterFlexible',
              clearExpiredByTimeout: false,
            });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  /**
   * Counts an attempt against every limit before the attempt is made (a password or code check), so
   * that parallel attempts cannot all pass a check made before any of them is counted. Returns the
   * first refusal (after giving back what this call counted), or null. A caller whose attempt then
   * succeeds gives its points back with `forgive` (or `reset`).
   */
  async attempt(
    limits: readonly (readonly [LimitName, string])[],
  ): Promise<(LimitVerdict & { allowed: false; limit: LimitName }) | null> {
    const counted: (readonly [LimitName, string])[] = [];
    for (const [name, key] of limits) {
      const verdict = await this.consume(name, key);
      if (!verdict.allowed) {
        for (const [n, k] of counted) await this.forgive(n, k);
        return { ...verdict, limit: name };
      }
      counted.push([name, key]);
    }
    return null;
  }

  /** Takes back one counted attempt (it succeeded). */
  async forgive(name: LimitName, key: string): Promise<void> {
    await this.limiter(name).reward(storeKey(key), 1);
  }

  /** Counts one event against `key`; says whether it was still within the limit. */
  async consume(name: LimitName, key: string, points = 1): Promise<LimitVerdict> {
    try {
      await this.limiter(name).consume(storeKey(key), points);
      return { allowed: true };
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        this.onRefused?.(name);
        return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      }
      throw err;
    }
  }

  /** Whether `key` is over the limit now, counting nothing (to refuse before doing work the limit would refuse anyway). */
  async check(name: LimitName, key: string): Promise<LimitVerdict> {
    const state = await this.limiter(name).get(storeKey(key));
    if (state && state.consumedPoints >= this.specs[name].points) {
      this.onRefused?.(name);
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
    }
    return { allowed: true };
  }

  /** Counts one event against `key` and returns how many its window holds now (for a count that sets a wait, not a refusal). */
  async count(name: LimitName, key: string): Promise<number> {
    return (await this.limiter(name).consume(storeKey(key), 1)).consumedPoints;
  }

  /** Refuses `key` for `seconds` from now. */
  async block(name: LimitName, key: string, seconds: number): Promise<void> {
    await this.limiter(name).block(storeKey(key), seconds);
  }

  /** Readiness: the store answers (Redis PING; the database is checked on its own). */
  async ping(): Promise<void> {
    if (this.store.kind === 'redis') await this.store.client.ping();
  }

  async reset(name: LimitName, key: string): Promise<void> {
    await this.limiter(name).delete(storeKey(key));
  }
}

export function createRateLimits(options: { redisUrl?: string; prisma: PrismaClient }): {
  limits: RateLimits;
  close: () => Promise<void>;
} {
  if (options.redisUrl) {
    const client = new Redis(options.redisUrl, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: 2,
      lazyConnect: false,
    });
    client.on('error', (err) => console.error(`[rate-limits] Redis: ${err.message}`));
    return { limits: new RateLimits({ kind: 'redis', client }), close: async () => void client.disconnect() };
  }
  return { limits: new RateLimits({ kind: 'prisma', client: options.prisma }), close: async () => {} };
}
