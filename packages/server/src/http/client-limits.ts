import { AppError } from '../errors/app-error.js';
import { clientKey } from '../lib/client-key.js';
import { TokenBuckets } from '../lib/token-buckets.js';

export { clientKey };

/** Procedures that cost a password hash each: they get their own, tighter bucket. */
export const PASSWORD_PROCEDURES: ReadonlySet<string> = new Set(['accounts.login', 'accounts.register']);

/**
 * Client addresses remembered per bucket. A bucket is a few dozen bytes, so even a spray of
 * addresses holds a few megabytes at most; past this the least recently seen are forgotten.
 */
const MAX_TRACKED_CLIENTS = 50_000;

export interface ClientLimitSettings {
  /** Sign-ins and registrations per client address and minute (also the burst); 0: no limit. */
  passwordPerMinute: number;
  /** Other calls without a valid session per client address and minute (also the burst); 0: no limit. */
  anonymousPerMinute: number;
}

/**
 * Per-client-address limits on what anyone can call without an account: sign-in and
 * registration (each an argon2 hash), and everything else called without a valid session. Calls
 * with a session are the account's, not the address's: many users behind one NAT are not slowed.
 */
export class ClientLimits {
  private readonly password: TokenBuckets | undefined;
  private readonly anonymous: TokenBuckets | undefined;

  constructor(settings: ClientLimitSettings, now: () => number, maxClients = MAX_TRACKED_CLIENTS) {
    const buckets = (perMinute: number) =>
      perMinute > 0
        ? new TokenBuckets({ capacity: perMinute, refillPerSecond: perMinute / 60, maxKeys: maxClients, now })
        : undefined;
    this.password = buckets(settings.passwordPerMinute);
    this.anonymous = buckets(settings.anonymousPerMinute);
  }

  /**
   * Charges one token per call of the request, or throws RATE_LIMITED (with `retryAfter`) and
   * charges nothing. `ip` is Fastify's `request.ip`, which follows `X-Forwarded-For` only when
   * APERTURE_TRUST_PROXY is on.
   */
  admit(ip: string | null | undefined, paths: readonly string[], signedIn: boolean): void {
    const key = clientKey(ip);
    const passwordCalls = paths.filter((path) => PASSWORD_PROCEDURES.has(path)).length;
    const otherCalls = signedIn ? 0 : paths.length - passwordCalls;
    const charges: [TokenBuckets | undefined, number, string][] = [
      [this.password, passwordCalls, 'sign-in attempts'],
      [this.anonymous, otherCalls, 'requests without signing in'],
    ];
    for (const [buckets, cost, what] of charges) {
      if (!buckets || cost === 0) continue;
      const result = buckets.check(key, cost);
      if (!result.ok) {
        const retryAfter = result.retryAfterSeconds;
        throw new AppError('RATE_LIMITED', `Too many ${what} from your address; try again in ${retryAfter} s.`, {
          retryAfter,
        });
      }
    }
    for (const [buckets, cost] of charges) if (buckets && cost > 0) buckets.spend(key, cost);
  }

  /** Addresses remembered by each bucket (for tests). */
  get tracked(): { password: number; anonymous: number } {
    return { password: this.password?.size ?? 0, anonymous: this.anonymous?.size ?? 0 };
  }
}

/**
 * Fastify's `trustProxy` for `hops` reverse proxies: believe the `hops` nearest entries of
 * X-Forwarded-For and no more. `request.ip` is then the address the outermost proxy saw. Trusting
 * every hop would make it the first entry, which the client writes itself: anyone could pick a
 * fresh address, and a fresh rate-limit bucket, per request.
 */
export function trustedProxies(hops: number): false | ((address: string, hop: number) => boolean) {
  return hops > 0 ? (_address, hop) => hop < hops : false;
}
