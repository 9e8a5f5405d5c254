import { randomBytes } from 'node:crypto';
import { createClient, type ApertureClient, type PostView } from '@aperture/sdk';
import { CAST, CELEBRITY, COMMENTS, DEMO_USER, PRIVATE, REPLIES } from './cast.js';
import { demoPhoto } from './photos.js';

export interface DemoCredentials {
  username: string;
  password: string;
}

export interface SeededWorld extends DemoCredentials {
  token: string;
  /** Posts the demo user's home feed shows once fan-out is done. */
  feedPosts: number;
}

/** How long to wait for the demo user's feed to fill (fan-out runs in the server's workers). */
const FEED_WAIT_MS = 60_000;

/**
 * Creates the demo world through the SDK, as real users would: a dozen accounts with generated
 * photos, follows (one private account with a pending request, one account everyone follows),
 * likes, comments with replies and hashtags. Returns the demo user's credentials and token.
 */
export async function seedDemoWorld(
  url: string,
  log: (message: string) => void = () => undefined,
): Promise<SeededWorld> {
  const password = randomBytes(12).toString('base64url');
  log(`Creating ${CAST.length} users…`);
  const clients = new Map<string, ApertureClient>();
  for (const person of CAST) {
    const client = createClient({ url, userAgent: 'aperture-demo' });
    await client.auth.register({ username: person.username, email: `${person.username}@example.com`, password });
    await client.accounts.update({
      displayName: person.displayName,
      bio: person.bio,
      ...(person.isPrivate ? { isPrivate: true } : {}),
    });
    clients.set(person.username, client);
  }
  const as = (username: string): ApertureClient => clients.get(username) ?? fail(username);

  log('Following…');
  const others = CAST.map((p) => p.username).filter((u) => u !== DEMO_USER && u !== PRIVATE);
  for (const username of others) await as(DEMO_USER).graph.follow({ username });
  for (const { username } of CAST) if (username !== CELEBRITY) await as(username).graph.follow({ username: CELEBRITY });
  for (const username of ['ada', 'grace', 'linus', 'alan']) await as(username).graph.follow({ username: DEMO_USER });
  await as('ada').graph.follow({ username: PRIVATE });
  await as(PRIVATE).graph.requests.approve({ username: 'ada' });
  // Left pending: the private profile shows "Requested" to the demo user.
  await as(DEMO_USER).graph.follow({ username: PRIVATE });

  log('Posting photos (generated, then processed by the server)…');
  let seed = 0;
  const posts: PostView[] = [];
  for (const person of CAST) {
    for (const post of person.posts) {
      const photos = await Promise.all(Array.from({ length: post.photos }, () => demoPhoto(seed++)));
      posts.push(
        await as(person.username).posts.publish(photos, {
          caption: post.caption,
          visibility: person.isPrivate ? 'followers' : 'public',
        }),
      );
    }
  }

  log('Liking and commenting…');
  const names = CAST.map((p) => p.username).filter((u) => u !== PRIVATE);
  for (const [index, post] of posts.entries()) {
    if (post.author.username === PRIVATE) continue;
    const likers = names.filter((_, i) => (i + index) % 3 !== 0 && names[i] !== DEMO_USER);
    for (const liker of likers) await as(liker).likes.like(post.id);
    const commenter = names[(index + 2) % names.length] ?? 'ada';
    const comment = await as(commenter).comments.create({
      postId: post.id,
      body: COMMENTS[index % COMMENTS.length] ?? 'Nice.',
    });
    await as(post.author.username).comments.create({
      postId: post.id,
      parentId: comment.id,
      body: REPLIES[index % REPLIES.length] ?? 'Thanks!',
    });
  }

  const demo = as(DEMO_USER);
  const feedPosts = posts.filter((p) => p.author.username !== PRIVATE).length;
  log('Waiting for the home feed…');
  await waitForFeed(demo, feedPosts);
  return { username: DEMO_USER, password, token: demo.token ?? fail(DEMO_USER), feedPosts };
}

async function waitForFeed(client: ApertureClient, expected: number): Promise<void> {
  const deadline = Date.now() + FEED_WAIT_MS;
  while (Date.now() < deadline) {
    const { items } = await client.feed.home({ limit: 50 });
    if (items.length >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function fail(what: string): never {
  throw new Error(`demo: ${what} is missing`);
}
