// Two people on Aperture: Ana makes her account private and posts two photos; Ben asks to follow
// her, she approves, he likes the post and comments, she replies. Then it prints what each sees.
//
//   npm run example:social
//
// Uses the server at APERTURE_SERVER; without it, starts a throwaway one (and stops it after).
// The photos are drawn with sharp, so nothing needs to be on disk.
import sharp from 'sharp';
import { ApertureError, createClient, NotFoundError, type ApertureClient, type PostView } from '@aperture/sdk';

const PASSWORD = 'example-password-1';
// Fresh names each run, so the example can run again against the same server.
const run = Date.now().toString(36).slice(-6);
const ana = `ana_${run}`;
const ben = `ben_${run}`;

async function main(url: string): Promise<void> {
  const anaClient = createClient({ url });
  const benClient = createClient({ url });
  await anaClient.auth.register({ username: ana, email: `${ana}@example.com`, password: PASSWORD });
  await benClient.auth.register({ username: ben, email: `${ben}@example.com`, password: PASSWORD });
  await anaClient.accounts.update({ isPrivate: true });
  console.log(`${ana} and ${ben} registered; ${ana}'s account is private.`);

  const post = await anaClient.posts.publish([await photo(200, 120, 40), await photo(30, 90, 160)], {
    caption: 'Morning at the harbour',
  });
  console.log(`${ana} posted ${post.id} with ${post.media.length} photos: "${post.caption}"`);

  try {
    await benClient.posts.get(post.id);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    console.log(`${ben} cannot see it yet: ${error.code} (a private account's posts are for followers)`);
  }

  const { state } = await benClient.graph.follow({ username: ana });
  console.log(`${ben} asked to follow ${ana}: ${state}`);
  const { items: requests } = await anaClient.graph.requests.list();
  console.log(`${ana}'s follow requests: ${requests.map((r) => r.user.username).join(', ')}`);
  await anaClient.graph.requests.approve({ username: ben });
  console.log(`${ana} approved ${ben}.`);

  await benClient.likes.like(post.id, 'love');
  console.log(`${ben} liked the post (love).`);
  const comment = await benClient.comments.create({ postId: post.id, body: 'Wonderful light!' });
  console.log(`${ben} commented: "${comment.body}"`);
  const reply = await anaClient.comments.create({ postId: post.id, body: 'Thank you!', parentId: comment.id });
  console.log(`${ana} replied: "${reply.body}"`);

  await show(ana, anaClient, post.id);
  await show(ben, benClient, post.id);
}

/** Prints Ana's profile, the post and its comments as `viewer` sees them. */
async function show(viewer: string, client: ApertureClient, postId: string): Promise<void> {
  console.log(`\nWhat ${viewer} sees:`);
  const { user, counts, relationship } = await client.users.profile({ username: ana });
  const privacy = user.isPrivate ? 'private' : 'public';
  console.log(
    `  @${user.username} (${privacy}): ${counts.posts} post(s), ${counts.followers} follower(s), ` +
      `${counts.following} following${relationship?.following === 'active' ? '; you follow them' : ''}`,
  );
  for await (const post of client.posts.byUser({ username: ana })) describePost(post, post.id === postId);
  for await (const top of client.comments.list(postId)) {
    console.log(
      `    @${top.author.username}: ${top.body} (${top.replyCount} repl${top.replyCount === 1 ? 'y' : 'ies'})`,
    );
    for await (const r of client.comments.replies(top.id)) console.log(`      ↳ @${r.author.username}: ${r.body}`);
  }
}

function describePost(post: PostView, detailed: boolean): void {
  const liked = post.viewerHasLiked ? `you liked it (${post.viewerReaction})` : 'you have not liked it';
  console.log(`  post ${post.id} by @${post.author.username}: "${post.caption}", ${post.media.length} photos`);
  if (!detailed) return;
  console.log(`    ${post.likeCount} like(s), ${post.commentCount} comment(s); ${liked}`);
  post.media.forEach((m, i) => console.log(`    photo ${i + 1}: ${m.urls.w640?.webp ?? '(no URL)'}`));
}

/** A small JPEG of one colour with a lighter band, so each photo is a different file. */
function photo(r: number, g: number, b: number): Promise<Buffer> {
  const band = { width: 640, height: 80, channels: 3, background: { r: 250, g: 240, b: 220 } } as const;
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r, g, b } } })
    .composite([{ input: { create: band }, top: 320, left: 0 }])
    .jpeg()
    .toBuffer();
}

const configured = process.env['APERTURE_SERVER'];
// Imported only when needed: code that talks to a running server needs just the SDK.
const ephemeral = configured ? undefined : await (await import('@aperture/server')).startEphemeralServer();
const url = configured ?? ephemeral!.url;
console.log(`Server: ${url}${ephemeral ? ' (a throwaway one, stopped at the end)' : ''}\n`);
try {
  await main(url);
} catch (error) {
  if (!(error instanceof ApertureError)) throw error;
  console.error(`${error.message} (${error.code})`);
  process.exitCode = 1;
} finally {
  await ephemeral?.stop();
}
