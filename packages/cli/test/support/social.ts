import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { createCliHome, registerArgs, requireBuild, type CliHome, type CliResult } from './cli.js';

export interface Person {
  home: CliHome;
  username: string;
  /** Runs the binary as this person, against `server`. */
  run(args: string[]): Promise<CliResult>;
  /** Runs with `--json`, expects exit 0, and parses stdout. */
  json<T>(args: string[]): Promise<T>;
}

let counter = 0;

/** A CLI home signed in to `server` as a new user. */
export async function person(server: string, prefix: string): Promise<Person> {
  counter += 1;
  const username = `${prefix}_${process.pid}_${counter}`;
  const home = await createCliHome();
  const registered = await home.run(registerArgs(username, server), { input: 'correct horse battery staple' });
  expect(registered.code, registered.stderr).toBe(0);
  return {
    home,
    username,
    run: (args) => home.run(args),
    async json<T>(args: string[]) {
      const result = await home.run(['--json', ...args]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as T;
    },
  };
}

/** Writes a small real JPEG into the person's home; `seed` makes each file's bytes new. */
export async function photo(who: Person, name: string, seed: number): Promise<string> {
  const path = join(who.home.dir, name);
  const bytes = await sharp({
    create: { width: 320, height: 240, channels: 3, background: { r: seed % 256, g: (seed * 13) % 256, b: 60 } },
  })
    .jpeg()
    .toBuffer();
  await writeFile(path, bytes);
  return path;
}

/**
 * One real server for a test file, and `someone(prefix)`: a signed-in person with their own CLI
 * home, cleaned up after the file.
 */
export function socialWorld(): { readonly server: EphemeralServer; someone(prefix: string): Promise<Person> } {
  let server: EphemeralServer | undefined;
  const people: Person[] = [];
  beforeAll(async () => {
    requireBuild();
    server = await startEphemeralServer();
  });
  afterAll(async () => {
    await Promise.all(people.map((p) => p.home.cleanup()));
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('the server starts in beforeAll');
      return server;
    },
    async someone(prefix) {
      const p = await person(this.server.url, prefix);
      people.push(p);
      return p;
    },
  };
}
