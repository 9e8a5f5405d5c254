import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createClient, type ApertureClient, type PostView, type PrivateUser } from '@aperture/sdk';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { ImageCache, type TerminalImageSupport } from '../../src/images/index.js';
import type { UrlOpener } from '../../src/open-url.js';
import { App } from '../../src/tui/app.js';
import type { TuiServices } from '../../src/tui/context/state.js';
import type { Route } from '../../src/tui/routes.js';

export interface TestUser {
  username: string;
  client: ApertureClient;
  me: PrivateUser;
}

const KEYS: Record<string, string> = {
  down: '\u001B[B',
  up: '\u001B[A',
  left: '\u001B[D',
  right: '\u001B[C',
  enter: '\r',
  esc: '\u001B',
};

/** A real server for a test file, people on it (SDK clients), and a temp image cache. */
export function tuiWorld() {
  let server: EphemeralServer | undefined;
  let cacheDir = '';
  let counter = 0;
  const mounted: { unmount(): void }[] = [];
  beforeAll(async () => {
    server = await startEphemeralServer();
    cacheDir = await mkdtemp(join(tmpdir(), 'aperture-tui-cache-'));
  });
  afterEach(async () => {
    for (const app of mounted.splice(0)) app.unmount();
    // The SDK leaks a notification stream aborted while it is still connecting (its fetch is not
    // aborted), and server.stop() then waits for it forever. Let the streams connect first.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });
  const world = {
    get url(): string {
      if (!server) throw new Error('the server starts in beforeAll');
      return server.url;
    },
    /** The server itself, for what no client may do (adding a word filter rule, say). */
    get server(): EphemeralServer {
      if (!server) throw new Error('the server starts in beforeAll');
      return server;
    },
    async user(prefix: string, options: { isPrivate?: boolean } = {}): Promise<TestUser> {
      counter += 1;
      const username = `${prefix}_${process.pid % 10_000}_${counter}`;
      const client = createClient({ url: world.url });
      await client.auth.register({ username, email: `${username}@example.com`, password: 'correct horse battery' });
      if (options.isPrivate) await client.accounts.update({ isPrivate: true });
      return { username, client, me: await client.me() };
    },
    /** Publishes a post of one generated photo; `seed` makes the bytes new. */
    async post(who: TestUser, caption: string, seed: number): Promise<PostView> {
      const bytes = await sharp({
        create: {
          width: 64,
          height: 48,
          channels: 3,
          background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: 90 },
        },
      })
        .jpeg()
        .toBuffer();
      return who.client.posts.publish(bytes, { caption });
    },
    /**
     * Mounts the app as `who` (photos drawn as half blocks in 256 colours unless told; videos
     * opened by no program, so `o` shows their URL, unless an opener is given).
     */
    mount(
      who: TestUser,
      options: {
        route?: Route;
        pageSize?: number;
        support?: TerminalImageSupport;
        client?: ApertureClient;
        opener?: UrlOpener | null;
      } = {},
    ) {
      const services: TuiServices = {
        client: options.client ?? who.client,
        me: who.me,
        images: { support: options.support ?? { protocol: 'blocks', color: '256' }, cache: new ImageCache(cacheDir) },
        opener: options.opener ?? null,
        ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      };
      const app = render(<App services={services} {...(options.route ? { initial: options.route } : {})} />);
      mounted.push(app);
      // Colours and styles set aside: tests read the text a person sees.
      const frame = () => stripVTControlCharacters(app.lastFrame() ?? '');
      return {
        frame,
        /** The last frame as written, escape sequences and all. */
        raw: () => app.lastFrame() ?? '',
        /** Everything written to the terminal so far, frame by frame. */
        written: () => app.frames.join(''),
        /** Presses keys, by keymap name (`down`, `enter`, `esc`) or as typed text. */
        async press(...keys: string[]) {
          for (const key of keys) {
            app.stdin.write(KEYS[key] ?? key);
            // Ink reads input on its next turn; one key at a time, as a person types.
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
        /** Resizes the (fake) terminal the way a real one does: new size, then a `resize` event. */
        resize(columns: number, rows: number) {
          Object.defineProperty(app.stdout, 'columns', { value: columns, configurable: true });
          Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
          app.stdout.emit('resize');
        },
        /** Waits until the frame satisfies `test`; fails with the last frame. */
        async until(test: string | RegExp | ((frame: string) => boolean), timeoutMs = 10_000): Promise<string> {
          const check = (f: string) =>
            typeof test === 'string' ? f.includes(test) : test instanceof RegExp ? test.test(f) : test(f);
          const deadline = Date.now() + timeoutMs;
          while (Date.now() < deadline) {
            if (check(frame())) return frame();
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
          throw new Error(`timed out waiting for ${String(test)}; last frame:\n${frame()}`);
        },
      };
    },
  };
  return world;
}

/** Polls an SDK read until `test` passes (server state changes after the UI's request). */
export async function eventually<T>(
  read: () => Promise<T>,
  test: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (test(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
