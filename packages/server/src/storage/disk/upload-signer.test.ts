import { describe, expect, it } from 'vitest';
import { SignatureExpiredError, SignatureInvalidError } from '../errors.js';
import { UploadSigner } from './upload-signer.js';

const SECRET = 'unit-test-secret-0123456789abcdef0123';
const NOW = Date.UTC(2030, 0, 1);

describe('UploadSigner', () => {
  const signer = new UploadSigner(SECRET, () => NOW);

  it('round-trips claims through a URL-safe token', () => {
    const claims = { key: 'media/ab/cd/1/original', expiresAt: NOW + 60_000, contentType: 'image/jpeg' };
    const token = signer.sign(claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(signer.verify(token)).toEqual(claims);
  });

  it('carries the upload id and part number of a multipart part', () => {
    const claims = { key: 'k', expiresAt: NOW + 1, uploadId: 'abc_DEF-123', partNumber: 7 };
    expect(signer.verify(signer.sign(claims))).toEqual(claims);
  });

  it('rejects a token whose claims were changed', () => {
    const token = signer.sign({ key: 'media/mine', expiresAt: NOW + 60_000 });
    const [, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ k: 'media/yours', e: NOW + 60_000 })).toString('base64url');
    expect(() => signer.verify(`${forged}.${mac}`)).toThrow(SignatureInvalidError);
    // A later expiry is a change too.
    const extended = Buffer.from(JSON.stringify({ k: 'media/mine', e: NOW + 9_999_999 })).toString('base64url');
    expect(() => signer.verify(`${extended}.${mac}`)).toThrow(SignatureInvalidError);
  });

  it('rejects every single-character change of the signature', () => {
    const token = signer.sign({ key: 'k', expiresAt: NOW + 60_000 });
    const dot = token.indexOf('.');
    for (let i = dot + 1; i < token.length; i++) {
      const replacement = token[i] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
      expect(() => signer.verify(tampered), `position ${i}`).toThrow(SignatureInvalidError);
    }
    expect(() => signer.verify(token.slice(0, -1))).toThrow(SignatureInvalidError);
    expect(() => signer.verify(`${token}A`)).toThrow(SignatureInvalidError);
  });

  it('rejects a token signed with another secret', () => {
    const other = new UploadSigner('another-secret-0123456789abcdef0123', () => NOW);
    const token = other.sign({ key: 'k', expiresAt: NOW + 60_000 });
    expect(() => signer.verify(token)).toThrow(SignatureInvalidError);
  });

  it('rejects an expired token, and accepts it until then', () => {
    let now = NOW;
    const clocked = new UploadSigner(SECRET, () => now);
    const token = clocked.sign({ key: 'k', expiresAt: NOW + 1000 });
    now = NOW + 999;
    expect(clocked.verify(token).key).toBe('k');
    now = NOW + 1000;
    const error = (() => {
      try {
        clocked.verify(token);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SignatureExpiredError);
    expect((error as SignatureExpiredError).expiredAt.getTime()).toBe(NOW + 1000);
  });

  it('checks the signature before the expiry', () => {
    const token = signer.sign({ key: 'k', expiresAt: NOW - 1 });
    expect(() => signer.verify(token)).toThrow(SignatureExpiredError);
    expect(() => signer.verify(`${token.split('.')[0]}.AAAA`)).toThrow(SignatureInvalidError);
  });

  it.each(['', 'abc', '.', 'a.', '.b', 'a.b.c', 'x'.repeat(5000)])('rejects the malformed token %j', (token) => {
    expect(() => signer.verify(token)).toThrow(SignatureInvalidError);
  });

  it('refuses an empty secret', () => {
    expect(() => new UploadSigner('')).toThrow();
  });
});
