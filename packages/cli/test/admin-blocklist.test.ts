import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { scene } from '../../server/test/fixtures/scenes.js';
import { socialWorld } from './support/social.js';

interface AddResult {
  entry: { hash: string; reason: string; sourceMediaId: string | null; addedById: string | null };
  created: boolean;
  matchedMedia: number;
  hiddenPosts: number;
}

const world = socialWorld();

describe('aperture admin blocklist', () => {
  // Each admin command is a process that loads the server's code: about 1.5 s apiece.
  it('adds by media id and by file, lists, shows refusals, removes; running servers apply each change', async () => {
    const ada = await world.someone('blocked');
    const admin = (args: string[]) => ada.home.run([...args, '--data-dir', world.server.dataDir]);
    const adminJson = async <T>(args: string[]) => {
      const result = await admin(['--json', ...args]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as T;
    };
    const file = async (name: string, bytes: Buffer) => {
      const path = join(ada.home.dir, name);
      await writeFile(path, bytes);
      return path;
    };

    const first = await file('first.jpg', await scene(11));
    const post = await ada.json<{ id: string }>(['post', first, '-c', 'soon hidden']);
    const [media] = await ada.json<{ id: string }[]>(['upload', first]);

    expect((await admin(['admin', 'blocklist', 'list'])).stderr).toContain('The blocklist is empty.');
    const added = await adminJson<AddResult>(['admin', 'blocklist', 'add', media!.id, '--reason', 'reported']);
    expect(added).toMatchObject({ created: true, matchedMedia: 1, hiddenPosts: 1 });
    expect(added.entry).toMatchObject({ reason: 'reported', sourceMediaId: media!.id, addedById: null });
    const row = await world.server.server.db.kysely
      .selectFrom('posts')
      .select('hidden_at')
      .where('id', '=', post.id)
      .executeTakeFirstOrThrow();
    expect(row.hidden_at).not.toBeNull();

    // An image file never uploaded, blocked from the server's machine; its copy is then refused.
    const second = await scene(12);
    const human = await admin(['admin', 'blocklist', 'add-file', await file('second.png', second)]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      /^Blocked [0-9a-f]{16}\. 0 media item\(s\) match it; 0 post\(s\) using them are hidden now\.$/m,
    );
    const copy = await file('copy.webp', await sharp(second).resize(400).webp().toBuffer());
    const refused = await ada.run(['upload', copy]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('MEDIA_BLOCKED');

    const { entries } = await adminJson<{ entries: { hash: string; reason: string }[] }>([
      'admin',
      'blocklist',
      'list',
    ]);
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.hash)).toContain(added.entry.hash);
    const piped = await admin(['admin', 'blocklist', 'list']);
    expect(piped.stdout).toMatch(
      new RegExp(`^${added.entry.hash}\\t\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${media!.id}\\treported$`, 'm'),
    );

    const { refusals } = await adminJson<{ refusals: { ownerUsername: string; matchedHash: string }[] }>([
      'admin',
      'blocklist',
      'refusals',
    ]);
    const blockedByFile = entries.find((e) => e.hash !== added.entry.hash)!.hash;
    expect(refusals).toEqual([expect.objectContaining({ ownerUsername: ada.username, matchedHash: blockedByFile })]);

    const removed = await adminJson<{ removed: boolean }>([
      'admin',
      'blocklist',
      'remove',
      blockedByFile.toUpperCase(),
    ]);
    expect(removed).toEqual({ hash: blockedByFile, removed: true });
    const accepted = await ada.run(['upload', copy]);
    expect(accepted.code, accepted.stderr).toBe(0);

    const plain = await file(
      'plain.png',
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#334455' } })
        .png()
        .toBuffer(),
    );
    const refusedPlain = await admin(['admin', 'blocklist', 'add-file', plain]);
    expect(refusedPlain.code).toBe(1);
    expect(refusedPlain.stderr).toContain('too plain');

    const notBlocked = await admin(['admin', 'blocklist', 'remove', blockedByFile]);
    expect(notBlocked.stdout).toContain('was not blocked');
    expect((await admin(['admin', 'blocklist', 'remove', 'xyz'])).code).toBe(2);
    expect((await admin(['admin', 'blocklist', 'add', 'abc'])).code).toBe(2);
    const missing = await admin(['admin', 'blocklist', 'add', '12345']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No such media: 12345');
    expect((await admin(['admin', 'blocklist', 'list', '--limit', '0'])).code).toBe(2);
  }, 120_000);

  it('gets a hash for media processed before hashes were recorded once it is reprocessed', async () => {
    const ben = await world.someone('older');
    const path = join(ben.home.dir, 'old.jpg');
    await writeFile(path, await scene(13));
    const [media] = await ben.json<{ id: string }[]>(['upload', path]);
    const db = world.server.server.db.kysely;
    await db.updateTable('media').set({ perceptual_hash: null }).where('id', '=', media!.id).execute();
    const dataDir = ['--data-dir', world.server.dataDir];

    const before = await ben.home.run(['admin', 'blocklist', 'add', media!.id, ...dataDir]);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('reprocess it first');

    expect((await ben.home.run(['admin', 'reprocess', '--media', media!.id, ...dataDir])).code).toBe(0);
    let hash: string | null = null;
    for (let i = 0; i < 100 && hash === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      hash = (
        await db.selectFrom('media').select('perceptual_hash').where('id', '=', media!.id).executeTakeFirstOrThrow()
      ).perceptual_hash;
    }
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    const after = await ben.home.run(['--json', 'admin', 'blocklist', 'add', media!.id, ...dataDir]);
    expect(after.code, after.stderr).toBe(0);
    expect((JSON.parse(after.stdout) as AddResult).entry.hash).toBe(hash);
  }, 120_000);
});
