import { spawn } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MediaView } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { h264Mp4, removeVideoFixtures } from '../../server/test/fixtures/videos.js';
import { BIN, createCliHome, registerArgs, requireBuild, type CliHome } from './support/cli.js';

let server: EphemeralServer;
let home: CliHome;
let counter = 0;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
});
afterAll(async () => {
  await server?.stop();
  await removeVideoFixtures();
});
beforeEach(async () => {
  home = await createCliHome();
  counter += 1;
  const username = `up_${process.pid}_${counter}`;
  const registered = await home.run(registerArgs(username, server.url), { input: 'correct horse battery staple' });
  expect(registered.code).toBe(0);
});
afterEach(async () => {
  await home?.cleanup();
});

/** Writes a small real JPEG (its colour from `seed`, so each file is new to the server). */
async function photo(name: string, seed: number): Promise<string> {
  const path = join(home.dir, name);
  const bytes = await sharp({
    create: { width: 400, height: 300, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: 90 } },
  })
    .jpeg()
    .toBuffer();
  await writeFile(path, bytes);
  return path;
}

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Runs the binary on a real pseudo-terminal (util-linux `script`) and returns what it showed. */
function runOnTerminal(args: string[]): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: home.env, stdio: 'pipe' });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
    child.stdin.end();
  });
}

describe('aperture upload', () => {
  it('uploads each file and prints its media id and derivative URLs', async () => {
    const first = await photo('first.jpg', 1);
    const second = await photo('second.jpg', 2);

    const result = await home.run(['upload', first, second]);

    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const ids = [...result.stdout.matchAll(/^(.+\.jpg): media (\d+)$/gm)].map((m) => [m[1], m[2]]);
    expect(ids.map(([file]) => file)).toEqual([first, second]);
    for (const [, id] of ids) {
      expect(result.stdout).toContain(`${server.url}/media/${id}/thumb.webp`);
      expect(result.stdout).toContain(`${server.url}/media/${id}/w320.jpg`);
    }
    // Not a terminal: one plain line per file, no bar.
    expect(result.stderr).toContain('first.jpg: ');
    expect(result.stderr).toContain('second.jpg: ');
    expect(result.stderr).not.toContain('█');
    expect(result.stderr).not.toContain('\r');
  });

  it('draws a progress bar, redrawn in place, on a terminal', async () => {
    const path = await photo('tty.jpg', 6);
    const result = await runOnTerminal(['upload', path]);
    expect(result.code).toBe(0);
    // Each redraw returns to the start of the line and clears it.
    expect(result.screen).toContain('\r\x1b[2Ktty.jpg  ');
    expect(result.screen).toMatch(/tty\.jpg {2}░{10} {4}0% {2}0\/\d+ B/);
    expect(result.screen).toMatch(/tty\.jpg {2}█{10} {2}100% {2}(\d+)\/\1 B {2}ready/);
    expect(result.screen).toMatch(/tty\.jpg: media \d+/);
  });

  it('uploads a video with how far the server is on the bar, and prints its renditions and poster', async () => {
    const clip = join(home.dir, 'clip.mp4');
    await copyFile(await h264Mp4(), clip);
    const result = await runOnTerminal(['upload', clip]);
    expect(result.code).toBe(0);
    expect(result.screen).toMatch(/clip\.mp4 {2}█{10} {2}100% {2}[\d.]+\/[\d.]+ kB {2}processing… 100%/);
    const id = /clip\.mp4: video (\d+)/.exec(result.screen)?.[1];
    expect(id).toBeDefined();
    expect(result.screen).toMatch(new RegExp(`720p\\.mp4 +\\S+/media/${id}/720\\.mp4`));
    expect(result.screen).toContain(`/media/${id}/thumb.webp`);
  });

  it('prints an array of media with --json, and says "already uploaded" for a file sent before', async () => {
    const path = await photo('same.jpg', 3);
    const once = await home.run(['upload', path, '--json']);
    expect(once.code).toBe(0);
    const [media] = JSON.parse(once.stdout) as MediaView[];
    expect(media?.status).toBe('ready');
    expect(media?.urls.thumb?.jpg).toContain(`/media/${media?.id}/thumb.jpg`);

    const again = await home.run(['upload', '--json', path]);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as MediaView[]).map((m) => m.id)).toEqual([media?.id]);
    expect(again.stderr).toContain('same.jpg: already uploaded');
  });

  it('keeps going past a file that fails, reports each failure with its code, and exits 1', async () => {
    const good = await photo('good.jpg', 4);
    const text = join(home.dir, 'notes.txt');
    await writeFile(text, 'not an image');
    const missing = join(home.dir, 'missing.jpg');

    const result = await home.run(['upload', text, good, missing, '--json']);

    expect(result.code).toBe(1);
    const uploaded = JSON.parse(result.stdout) as MediaView[];
    expect(uploaded).toHaveLength(1);
    expect(uploaded[0]?.status).toBe('ready');
    expect(result.stderr).toContain(`error: ${text}:`);
    expect(result.stderr).toContain('(UNSUPPORTED_MEDIA_TYPE)');
    expect(result.stderr).toContain(`error: ${missing}: no such file`);
    expect(result.stderr).toContain('2 of 3 files failed.');
  });

  it('exits 4 when not signed in, and 2 without a file', async () => {
    const path = await photo('nobody.jpg', 5);
    await home.run(['logout']);
    const signedOut = await home.run(['upload', path]);
    expect(signedOut.code).toBe(4);
    expect(signedOut.stdout).toBe('');
    expect((await home.run(['upload'])).code).toBe(2);
  });
});

describe('aperture admin reprocess', () => {
  it("queues every ready image of the server's database, which the running server rebuilds", async () => {
    const uploaded = await home.run(['--json', 'upload', await photo('again.jpg', 4242), '--server', server.url]);
    expect(uploaded.code).toBe(0);
    const [media] = JSON.parse(uploaded.stdout) as MediaView[];
    const queued = await home.run(['--json', 'admin', 'reprocess', '--data-dir', server.dataDir, '--media', media!.id]);
    expect(queued.code).toBe(0);
    expect(JSON.parse(queued.stdout)).toEqual({ queued: 1 });
    // The server's processor picks the request up and clears it.
    let pending = true;
    for (let i = 0; i < 100 && pending; i++) {
      const row = await server.server.db.kysely
        .selectFrom('media')
        .select('reprocess_requested_at')
        .where('id', '=', media!.id)
        .executeTakeFirstOrThrow();
      pending = row.reprocess_requested_at !== null;
      if (pending) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pending).toBe(false);
  });
});

describe('aperture admin recount', () => {
  it('reports every counter in line on a healthy database, and fixes one that drifted', async () => {
    const clean = await home.run(['--json', 'admin', 'recount', '--data-dir', server.dataDir]);
    expect(clean.code).toBe(0);
    const fixed = (JSON.parse(clean.stdout) as { fixed: Record<string, number> }).fixed;
    expect(Object.keys(fixed)).toContain('users.post_count');
    expect(Object.values(fixed).every((n) => n === 0)).toBe(true);

    await server.server.db.kysely.updateTable('users').set({ post_count: 99 }).execute();
    const repaired = await home.run(['admin', 'recount', '--data-dir', server.dataDir]);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/Fixed \d+ × users\.post_count/);
  });
});

describe('aperture upload on a server out of disk space', () => {
  let full: EphemeralServer | undefined;
  afterAll(async () => {
    await full?.stop();
  });

  it('stops at the first file, says STORAGE_FULL and when to try again, and exits 1', async () => {
    // A free-space floor no disk reaches: the server refuses uploads as when its disk is full.
    full = await startEphemeralServer({ APERTURE_MIN_FREE_MB: '1000000000' });
    const registered = await home.run(registerArgs(`full_${process.pid}`, full.url), {
      input: 'correct horse battery staple',
    });
    expect(registered.code).toBe(0);
    const first = await photo('first.jpg', 31);
    const second = await photo('second.jpg', 32);

    const result = await home.run(['upload', first, second]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: The server is out of storage space; try again later. (STORAGE_FULL)');
    expect(result.stderr).toContain('Try again in 60 s, or once its operator has freed some.');
    // One refusal, not one per file.
    expect(result.stderr.match(/STORAGE_FULL/g)).toHaveLength(1);
    expect(result.stdout).toBe('');
  });
});
