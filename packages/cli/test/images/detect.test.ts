import { describe, expect, it } from 'vitest';
import { EXIT, UsageError } from '../../src/exit-codes.js';
import { detectImageSupport } from '../../src/images/index.js';

describe('detectImageSupport', () => {
  it('uses half blocks in 256 colours in a plain xterm', () => {
    expect(detectImageSupport({ TERM: 'xterm-256color' })).toEqual({ protocol: 'blocks', color: '256' });
  });

  it('uses truecolor half blocks when COLORTERM says truecolor or 24bit', () => {
    expect(detectImageSupport({ TERM: 'xterm-256color', COLORTERM: 'truecolor' })).toEqual({
      protocol: 'blocks',
      color: 'truecolor',
    });
    expect(detectImageSupport({ COLORTERM: '24bit' }).color).toBe('truecolor');
    expect(detectImageSupport({ COLORTERM: 'yes' }).color).toBe('256');
  });

  it('recognises kitty by KITTY_WINDOW_ID or TERM=xterm-kitty, which implies truecolor', () => {
    expect(detectImageSupport({ KITTY_WINDOW_ID: '1', TERM: 'xterm-256color' })).toEqual({
      protocol: 'kitty',
      color: 'truecolor',
    });
    expect(detectImageSupport({ TERM: 'xterm-kitty' })).toEqual({ protocol: 'kitty', color: 'truecolor' });
  });

  it('recognises iTerm2 and WezTerm as speaking the iTerm2 protocol', () => {
    expect(detectImageSupport({ TERM_PROGRAM: 'iTerm.app' })).toEqual({ protocol: 'iterm', color: 'truecolor' });
    expect(detectImageSupport({ TERM_PROGRAM: 'WezTerm' })).toEqual({ protocol: 'iterm', color: 'truecolor' });
    expect(detectImageSupport({ TERM_PROGRAM: 'Apple_Terminal' })).toEqual({ protocol: 'blocks', color: '256' });
  });

  it('falls back to blocks inside tmux, and trusts only COLORTERM there for truecolor', () => {
    expect(detectImageSupport({ TMUX: '/tmp/tmux-0/default,1,0', KITTY_WINDOW_ID: '1' })).toEqual({
      protocol: 'blocks',
      color: '256',
    });
    expect(detectImageSupport({ TMUX: '/tmp/t,1,0', TERM_PROGRAM: 'iTerm.app', COLORTERM: 'truecolor' })).toEqual({
      protocol: 'blocks',
      color: 'truecolor',
    });
  });

  it('shows no images on a dumb terminal unless asked to', () => {
    expect(detectImageSupport({ TERM: 'dumb' }).protocol).toBe('none');
    expect(detectImageSupport({ TERM: 'dumb' }, 'blocks').protocol).toBe('blocks');
  });

  it('takes APERTURE_IMAGES over detection, and the --images flag over both', () => {
    const kitty = { KITTY_WINDOW_ID: '1' };
    expect(detectImageSupport({ ...kitty, APERTURE_IMAGES: 'blocks' }).protocol).toBe('blocks');
    expect(detectImageSupport({ ...kitty, APERTURE_IMAGES: 'blocks' }, 'none').protocol).toBe('none');
    expect(detectImageSupport({ APERTURE_IMAGES: 'iterm' }, 'kitty').protocol).toBe('kitty');
    // An explicit choice is honoured inside tmux too (for setups that pass graphics through).
    expect(detectImageSupport({ TMUX: '/tmp/t,1,0' }, 'kitty').protocol).toBe('kitty');
    expect(detectImageSupport({ APERTURE_IMAGES: ' ITERM ' }).protocol).toBe('iterm');
    expect(detectImageSupport({ APERTURE_IMAGES: '' }).protocol).toBe('blocks');
    // `auto` detects, and from the flag it overrides the variable too.
    expect(detectImageSupport({ ...kitty, APERTURE_IMAGES: 'auto' }).protocol).toBe('kitty');
    expect(detectImageSupport({ ...kitty, APERTURE_IMAGES: 'none' }, 'auto').protocol).toBe('kitty');
  });

  it('rejects an unknown value with a usage error naming the allowed ones and the source', () => {
    const fromFlag = catchError(() => detectImageSupport({}, 'sixel'));
    expect(fromFlag).toBeInstanceOf(UsageError);
    expect((fromFlag as UsageError).exitCode).toBe(EXIT.USAGE);
    expect((fromFlag as UsageError).message).toBe(
      '--images must be one of auto, blocks, kitty, iterm, none (got "sixel").',
    );
    const fromEnv = catchError(() => detectImageSupport({ APERTURE_IMAGES: 'ascii' }));
    expect((fromEnv as UsageError).message).toContain(
      'APERTURE_IMAGES must be one of auto, blocks, kitty, iterm, none',
    );
    // The flag is checked even when the variable is valid, and wins when both are set.
    expect(catchError(() => detectImageSupport({ APERTURE_IMAGES: 'blocks' }, 'bogus'))).toBeInstanceOf(UsageError);
    expect(detectImageSupport({ APERTURE_IMAGES: 'bogus' }, 'none').protocol).toBe('none');
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
