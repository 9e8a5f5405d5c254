import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { requireBuild } from './support/cli.js';
import { person, photo, type Person } from './support/social.js';

let server: EphemeralServer;
const people: Person[] = [];

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
});
afterAll(async () => {
  await Promise.all(people.map((p) => p.home.cleanup()));
  await server?.stop();
});

/** Waits until the server's background work (events, tag counters) is done. */
const settle = (): Promise<void> => server.server.settle();

interface SearchJson {
  users: { username: string }[];
  tags: { name: string; postCount: number }[];
  posts: { items: { caption: string }[]; nextCursor: string | null };
}

describe('aperture tag, trending and search', () => {
  it('shows a hashtag, trending hashtags and search results, as text and as JSON', async () => {
    const ada = await person(server.url, 'finder');
    people.push(ada);
    const posted = await ada.run(['post', await photo(ada, 'a.jpg', 91), '-c', 'Gulls over the pier #Pier']);
    expect(posted.code, posted.stderr).toBe(0);
    await settle();

    const tagged = await ada.json<{ name: string; postCount: number; posts: { caption: string }[] }>(['tag', '#pier']);
    expect(tagged).toMatchObject({ name: 'pier', postCount: 1 });
    expect(tagged.posts.map((p) => p.caption)).toEqual(['Gulls over the pier #Pier']);
    const tag = await ada.run(['tag', 'PIER']);
    expect(tag.code, tag.stderr).toBe(0);
    expect(tag.stdout).toContain('#pier · 1 post · since');
    expect(tag.stdout).toContain('Gulls over the pier');
    const missing = await ada.run(['tag', 'nothing_here']);
    expect(missing.code).not.toBe(0);

    expect(await ada.json(['trending'])).toEqual([]);
    const trending = await ada.run(['trending']);
    expect(trending.stdout).toBe('');
    expect(trending.stderr).toContain('Nothing is trending');

    const found = await ada.json<SearchJson>(['search', 'gulls', 'pier']);
    expect(found.posts.items.map((p) => p.caption)).toEqual(['Gulls over the pier #Pier']);
    const byName = await ada.json<SearchJson>(['search', ada.username]);
    expect(byName.users.map((u) => u.username)).toEqual([ada.username]);
    // Piped: one record a line, its kind first.
    const text = await ada.run(['search', 'pier']);
    const rows = text.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows).toContainEqual(['tag', 'pier', '1']);
    expect(rows.find((row) => row[0] === 'post')?.at(-1)).toBe('Gulls over the pier #Pier');
  });
});

describe('aperture trending, with nothing trending', () => {
  it('explains what trending takes, in the numbers of this server', async () => {
    // Four accounts tag and like each other's posts: lively, but one account short of trending.
    const four = [];
    for (const prefix of ['gull', 'tern', 'skua', 'auk']) four.push(await person(server.url, prefix));
    people.push(...four);
    const posts: string[] = [];
    for (const [i, who] of four.entries()) {
      const posted = await who.json<{ id: string }>([
        'post',
        await photo(who, 't.jpg', 60 + i),
        '-c',
        'Low tide #shore',
      ]);
      posts.push(posted.id);
    }
    for (const [i, who] of four.entries()) expect((await who.run(['like', posts[(i + 1) % 4]!])).code).toBe(0);
    await settle();

    const trending = await four[0]!.run(['trending']);
    expect(trending.code, trending.stderr).toBe(0);
    expect(trending.stdout).toBe('');
    expect(trending.stderr).toContain('Nothing is trending right now.');
    expect(trending.stderr).toContain('once 5 different accounts have used it in public posts within 6 hours');
    expect(trending.stderr).toContain('aperture tag <name>');
  });
});

describe('aperture feed', () => {
  it('lists your posts and those of accounts you follow, latest or ranked, as text and JSON', async () => {
    const reader = await person(server.url, 'reader');
    const writer = await person(server.url, 'writer');
    people.push(reader, writer);
    expect((await reader.run(['feed'])).stderr).toContain('Your feed is empty');
    expect((await reader.run(['follow', writer.username])).code).toBe(0);
    const posted = await writer.run(['post', await photo(writer, 'w.jpg', 17), '-c', 'From the tower']);
    expect(posted.code, posted.stderr).toBe(0);
    await settle();
    const feed = await reader.json<{ caption: string; author: { username: string } }[]>(['feed']);
    expect(feed.map((p) => [p.author.username, p.caption])).toEqual([[writer.username, 'From the tower']]);
    const ranked = await reader.json<{ caption: string }[]>(['feed', '--ranked', '-n', '5']);
    expect(ranked.map((p) => p.caption)).toEqual(['From the tower']);
    const text = await reader.run(['feed']);
    expect(text.stdout).toContain(`@${writer.username}`);
    expect(text.stdout).toContain('From the tower');
  });
});
