import { describe, expect, it } from 'vitest';
import { parseConfig, profileNameFor } from './config-file.js';

describe('parseConfig', () => {
  it('migrates the shape from before profiles, keeping a signed-out current server as `default`', () => {
    const config = parseConfig({
      currentServer: 'http://127.0.0.1:4000',
      servers: {
        'https://photos.example.com': { token: 't1', username: 'ana' },
        'http://127.0.0.1:4001': { token: 't2', username: 'ben' },
        'http://broken.example': { token: 3 },
      },
    });
    expect(config).toEqual({
      currentProfile: 'default',
      profiles: {
        default: { server: 'http://127.0.0.1:4000' },
        'photos.example.com': { server: 'https://photos.example.com', token: 't1', username: 'ana' },
        '127.0.0.1-4001': { server: 'http://127.0.0.1:4001', token: 't2', username: 'ben' },
      },
      images: undefined,
      color: undefined,
    });
  });

  it('reads profiles and settings, dropping what it does not understand', () => {
    const config = parseConfig({
      currentProfile: 'work',
      profiles: {
        work: { server: 'https://w.example', token: 't', username: 'ana' },
        half: { server: 'https://h.example', token: 't' },
        '../bad': { server: 'https://b.example' },
        noServer: { token: 't', username: 'x' },
      },
      images: 'kitty',
      color: 'sometimes',
    });
    expect(config).toEqual({
      currentProfile: 'work',
      profiles: {
        work: { server: 'https://w.example', token: 't', username: 'ana' },
        half: { server: 'https://h.example' },
      },
      images: 'kitty',
      color: undefined,
    });
    expect(() => parseConfig([])).toThrow();
  });
});

describe('profileNameFor', () => {
  it('names the first profile `default`, later ones after the host, numbered when taken', () => {
    expect(profileNameFor('https://photos.example.com', {})).toBe('default');
    expect(profileNameFor('https://photos.example.com', { default: 1 })).toBe('photos.example.com');
    expect(profileNameFor('http://127.0.0.1:4001/', { default: 1, '127.0.0.1-4001': 1 })).toBe('127.0.0.1-4001-2');
  });
});
