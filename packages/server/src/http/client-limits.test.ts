import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors/app-error.js';
import { ClientLimits, clientKey, trustedProxies } from './client-limits.js';

describe('clientKey', () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});

describe('trustedProxies', () => {
  it('believes the nearest `hops` entries of X-Forwarded-For and no more', () => {
    expect(trustedProxies(0)).toBe(false);
    const one = trustedProxies(1) as (address: string, hop: number) => boolean;
    expect([one('10.0.0.1', 0), one('203.0.113.7', 1)]).toEqual([true, false]);
  });
});

describe('ClientLimits', () => {
  const refusal = (fn: () => void): AppError | undefined => {
    try {
      fn();
      return undefined;
    } catch (error) {
      return error as AppError;
    }
  };

  it('charges password calls always and other calls only without a session', () => {
    const limits = new ClientLimits({ passwordPerMinute: 2, anonymousPerMinute: 3 }, () => 0);
    limits.admit('198.51.100.1', ['accounts.login', 'accounts.register'], true);
    expect(refusal(() => limits.admit('198.51.100.1', ['accounts.login'], true))).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 30,
    });
    // Signed in: reads are free.
    for (let i = 0; i < 10; i++) limits.admit('198.51.100.1', ['feed.home', 'users.profile'], true);
    limits.admit('198.51.100.1', ['tags.trending', 'tags.trending', 'tags.trending'], false);
    expect(refusal(() => limits.admit('198.51.100.1', ['tags.trending'], false))).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 20,
    });
  });

  it('refuses a request whose calls do not all fit without charging any bucket', () => {
    const limits = new ClientLimits({ passwordPerMinute: 5, anonymousPerMinute: 2 }, () => 0);
    limits.admit('198.51.100.2', ['posts.get'], false);
    expect(
      refusal(() => limits.admit('198.51.100.2', ['accounts.login', 'posts.get', 'posts.get'], false)),
    ).toBeDefined();
    // The password bucket was not charged for the refused request: all 5 sign-ins are left.
    for (let i = 0; i < 5; i++) limits.admit('198.51.100.2', ['accounts.login'], false);
    expect(refusal(() => limits.admit('198.51.100.2', ['accounts.login'], false))).toBeDefined();
  });

  it('keeps memory bounded under a spray of addresses', () => {
    const limits = new ClientLimits({ passwordPerMinute: 10, anonymousPerMinute: 10 }, () => 0, 500);
    for (let i = 0; i < 20_000; i++) {
      limits.admit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, ['accounts.login', 'posts.get'], false);
    }
    expect(limits.tracked).toEqual({ password: 500, anonymous: 500 });
  });

  it('limits nothing when both limits are 0', () => {
    const limits = new ClientLimits({ passwordPerMinute: 0, anonymousPerMinute: 0 }, () => 0);
    for (let i = 0; i < 1_000; i++) limits.admit('198.51.100.3', ['accounts.login', 'posts.get'], false);
    expect(limits.tracked).toEqual({ password: 0, anonymous: 0 });
  });
});
