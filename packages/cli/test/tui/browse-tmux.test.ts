import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAST } from '../../src/demo/cast.js';
import { BIN, requireBuild } from '../support/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('browse-tmux.test.ts: skipped because tmux is not installed (CI installs it).');

// A private tmux server: nothing of the developer's tmux is touched, and afterAll kills it all.
const SOCKET = `aperture-test-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const pane = (format: string) => tmux('display-message', '-p', '-t', 'demo', format).stdout.trim();
const capture = () => tmux('capture-pane', '-p', '-t', 'demo').stdout;

async function until(test: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) {
      const pid = pane('#{pane_pid}');
      const ps = spawnSync('ps', ['-o', 'pid,stat,pcpu,etime,cmd', '--pid', pid, '--ppid', pid], {
        encoding: 'utf8',
      }).stdout;
      throw new Error(
        `timed out waiting for ${what}; pane ${pane('#{pane_dead} #{pane_dead_status}')}; processes:\n${ps}\nthe pane shows:\n${capture()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let home = '';
afterAll(async () => {
  if (hasTmux) tmux('kill-server');
  if (home) await rm(home, { recursive: true, force: true });
});

describe('aperture demo in a real terminal (tmux)', () => {
  it.skipIf(!hasTmux)(
    'shows the seeded feed with photos drawn in blocks, and q quits with the terminal restored',
    async () => {
      requireBuild();
      home = await mkdtemp(join(tmpdir(), 'aperture-tmux-'));
      // Ink renders nothing until exit when it believes it runs in CI, so CI's variables stay out.
      const command = [
        'env -u CI -u CONTINUOUS_INTEGRATION',
        `HOME=${home} XDG_CONFIG_HOME=${home}/config XDG_CACHE_HOME=${home}/cache TERM=xterm-256color`,
        `${process.execPath} ${BIN} demo;`,
        // The shell reports the exit status: tmux may not reap a child while its server is busy.
        'echo "demo exit status: $?"',
      ].join(' ');
      expect(tmux('new-session', '-d', '-s', 'demo', '-x', '100', '-y', '30', command).status).toBe(0);
      // Keep the pane after the shell exits, to read the final screen; and keep
      // the bytes the program writes, to see how it leaves the terminal.
      tmux('set-option', '-t', 'demo', 'remain-on-exit', 'on');
      const raw = join(home, 'pane.raw');
      tmux('pipe-pane', '-t', 'demo', '-o', `cat >> ${raw}`);

      await until(() => /Aperture @demo › Home/.test(capture()) && /[▀▄]/.test(capture()), 'the feed', 150_000);
      const feed = capture();
      const captions = CAST.flatMap((p) => p.posts.map((post) => post.caption));
      expect(captions.some((caption) => feed.includes(caption))).toBe(true);
      expect(feed).toMatch(/@\w+ [♡♥]\d+ c\d+/);
      expect(feed).toContain('? help');
      expect(pane('#{alternate_on}')).toBe('1');

      tmux('send-keys', '-t', 'demo', 'q');
      await until(() => capture().includes('demo exit status:'), 'the demo to exit', 60_000);
      expect(capture()).toContain('demo exit status: 0');
      // Back on the normal screen, where the demo's messages are, with the cursor shown. (tmux's own
      // cursor flag is not reliable here: tmux 3.3 leaves it off after a synchronized-output frame.)
      expect(pane('#{alternate_on}')).toBe('0');
      const bytes = await readFile(raw, 'latin1');
      const leftAt = bytes.lastIndexOf('\u001B[?1049l');
      expect(leftAt).toBeGreaterThan(0);
      expect(bytes.slice(leftAt)).toContain('\u001B[?25h');
      expect(bytes.slice(leftAt).includes('\u001B[?25l')).toBe(false);
      const after = capture();
      expect(after).toContain('Signed in as demo');
      expect(after).toContain('Demo stopped; its temporary data is removed.');
    },
    240_000,
  );
});
