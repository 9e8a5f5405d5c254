import { describe, expect, it } from 'vitest';
import { LOADGEN_VERSION } from './index.js';
import pkg from '../package.json' with { type: 'json' };

describe('@aperture/loadgen placeholder', () => {
  it('reports the version of its package', () => {
    expect(LOADGEN_VERSION).toBe(pkg.version);
  });
});
