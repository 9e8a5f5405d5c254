import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUrl, systemUrlOpener, type UrlOpener } from '../src/open-url.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aperture-open-url-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real program that writes its arguments, one a line, then runs `tail` (an exit, a sleep). */
async function program(name: string, tail = 'exit 0'): Promise<{ opener: UrlOpener; argv: string }> {
  const script = join(dir, `${name}.sh`);
  const argv = join(dir, `${name}.argv.txt`);
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argv}'\n${tail}\n`);
  await chmod(script, 0o755);
  return { opener: { command: script, args: [] }, argv };
}

describe('systemUrlOpener', () => {
  it('is open on macOS, the URL handler through rundll32 on Windows, xdg-open in a graphical session elsewhere', () => {
    expect(systemUrlOpener('darwin', {})).toEqual({ command: 'open', args: [] });
    // No cmd: it would read a signed URL's & as a command separator and expand %NAME%.
    expect(systemUrlOpener('win32', {})).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler'] });
    expect(systemUrlOpener('linux', { DISPLAY: ':0' })).toEqual({ command: 'xdg-open', args: [] });
    expect(systemUrlOpener('freebsd', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual({ command: 'xdg-open', args: [] });
  });

  it('is none without a graphical session (over SSH): xdg-open would start a text browser', () => {
    expect(systemUrlOpener('linux', {})).toBeNull();
  });
});

describe('openUrl', () => {
  it('runs the opener with the URL as one argument, however many & and spaces it has', async () => {
    const { opener, argv } = await program('plain');
    const url = 'http://127.0.0.1:4000/media/1/720.mp4?exp=1&sig=a;b$(x)';
    expect(await openUrl(opener, url)).toEqual({ opened: true });
    expect(await readFile(argv, 'utf8')).toBe(`${new URL(url).href}\n`);
  });

  it('passes the opener its own arguments first, then the URL', async () => {
    const { opener, argv } = await program('with-args');
    await openUrl({ ...opener, args: ['url.dll,FileProtocolHandler'] }, 'https://example.com/v.mp4?a=1&b=%41');
    expect((await readFile(argv, 'utf8')).split('\n')).toEqual([
      'url.dll,FileProtocolHandler',
      'https://example.com/v.mp4?a=1&b=%41',
      '',
    ]);
  });

  it('takes an opener still running after the settle time to have opened it', async () => {
    const { opener } = await program('stays', 'sleep 2');
    const started = Date.now();
    expect(await openUrl(opener, 'http://127.0.0.1/x.mp4', 200)).toEqual({ opened: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('says why it could not: no opener, a failing one, a missing one', async () => {
    expect(await openUrl(null, 'http://127.0.0.1/x.mp4')).toEqual({
      opened: false,
      reason: 'no program to open it here',
    });
    const { opener } = await program('fails', 'exit 4');
    expect(await openUrl(opener, 'http://127.0.0.1/x.mp4')).toEqual({
      opened: false,
      reason: `${opener.command} exited with 4`,
    });
    const missing = join(dir, 'nothing-here');
    expect(await openUrl({ command: missing, args: [] }, 'http://127.0.0.1/x.mp4')).toEqual({
      opened: false,
      reason: `${missing} is not installed`,
    });
  });

  it('never runs the opener for anything but an http(s) URL', async () => {
    const { opener, argv } = await program('never');
    expect(await openUrl(opener, 'file:///etc/passwd')).toEqual({
      opened: false,
      reason: 'not a web address (file:)',
    });
    expect(await openUrl(opener, '--help')).toEqual({ opened: false, reason: 'not a URL' });
    await expect(readFile(argv, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
