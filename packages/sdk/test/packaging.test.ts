import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npm } from '../../../test/support/npm.js';

const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL('..', import.meta.url));
const workspace = join(sdkDir, '..', '..');
const distDir = join(sdkDir, 'dist');
const tsc = join(workspace, 'node_modules', 'typescript', 'bin', 'tsc');

function requireBuild(): void {
  for (const file of ['index.js', 'bundle.d.ts']) {
    if (!existsSync(join(distDir, file))) {
      throw new Error(`packages/sdk/dist/${file} is missing: run npm run build first`);
    }
  }
}

describe('the built SDK', () => {
  it('contains no server code: no built file imports the server', async () => {
    requireBuild();
    const files = (await readdir(distDir)).filter((f) => f.endsWith('.js'));
    expect(files).toContain('index.js');
    for (const file of files) {
      const code = await readFile(join(distDir, file), 'utf8');
      expect(code, file).not.toMatch(/@aperture\/server|packages\/server|\.\.\/server/);
    }
  });

  it('ships types that import only its own dependencies', async () => {
    requireBuild();
    const bundle = await readFile(join(distDir, 'bundle.d.ts'), 'utf8');
    const { dependencies } = JSON.parse(await readFile(join(sdkDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = [...bundle.matchAll(/^(?:import|export)\b[^\n]*\bfrom '([^']+)'/gm)].map((m) => m[1]);
    expect(imported.length).toBeGreaterThan(0);
    for (const id of imported) expect(Object.keys(dependencies), id).toContain(id);
  });
});

/**
 * A project outside the workspace (so nothing resolves by walking up to its node_modules) that
 * installs the SDK the way its README says: `npm pack` in the clone, `npm install` of the tarball.
 */
describe('a project that installs only the SDK', () => {
  let consumer: string;

  beforeAll(async () => {
    requireBuild();
    const readme = await readFile(join(sdkDir, 'README.md'), 'utf8');
    const { version } = JSON.parse(await readFile(join(sdkDir, 'package.json'), 'utf8')) as { version: string };
    const tarball = `aperture-sdk-${version}.tgz`;
    expect(readme).toContain('npm pack --workspace @aperture/sdk --pack-destination ');
    expect(readme).toContain(`npm install ./${tarball}`);

    consumer = await mkdtemp(join(tmpdir(), 'aperture-sdk-consumer-'));
    expect(relative(workspace, consumer).startsWith('..')).toBe(true);
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', type: 'module', private: true }),
    );
    await npm(['pack', '--workspace', '@aperture/sdk', '--pack-destination', consumer], { cwd: workspace });
    // The SDK's dependencies are in npm's cache since the workspace's own install.
    const output = await npm(['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: consumer,
    });
    expect(output).not.toContain('EBADENGINE');
    for (const name of ['good', 'bad']) {
      await writeFile(
        join(consumer, `tsconfig.${name}.json`),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            // tRPC's declarations use `Disposable`.
            lib: ['ES2022', 'DOM', 'ESNext.Disposable'],
            types: [],
            strict: true,
            noEmit: true,
            // Check the SDK's declarations too: an import they cannot resolve must fail here.
            skipLibCheck: false,
          },
          files: [`${name}.ts`],
        }),
      );
    }
    await writeFile(
      join(consumer, 'good.ts'),
      [
        "import { createClient, ValidationError, type MediaView, type PrivateUser, type RouterOutputs } from '@aperture/sdk';",
        'type IsAny<T> = 0 extends 1 & T ? true : false;',
        "export const outputsAreTyped: IsAny<RouterOutputs['accounts']['sessions']> = false;",
        "const client = createClient({ url: 'http://127.0.0.1:4000' });",
        'const me = await client.me();',
        'const name: string = me.username;',
        'const user: PrivateUser = me;',
        'const sessions = await client.trpc.accounts.sessions.query();',
        'const current: boolean | undefined = sessions[0]?.current;',
        "const media: MediaView = await client.media.get('1');",
        "const clip: string | undefined = media.kind === 'video' ? media.renditions['720p'] : undefined;",
        "const length: null = media.kind === 'image' ? media.durationMs : null;",
        'export const facts = { name, user, current, clip, length, isValidation: (e: unknown) => e instanceof ValidationError };',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(consumer, 'bad.ts'),
      [
        "import { createClient } from '@aperture/sdk';",
        "const client = createClient({ url: 'http://127.0.0.1:4000' });",
        'export const wrapped = (await client.me()).nope;',
        'export const raw = (await client.trpc.accounts.me.query()).nope;',
        "export const unnarrowed = (await client.media.get('1')).renditions['720p'];",
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    if (consumer && !process.env['KEEP_CONSUMER']) await rm(consumer, { recursive: true, force: true });
  });

  async function typecheck(name: string): Promise<{ code: number; output: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: consumer });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }

  it('does not have the server', () => {
    expect(existsSync(join(consumer, 'node_modules', '@aperture', 'server'))).toBe(false);
  });

  it('has the built client and its types, without the build info tsc keeps', () => {
    const installed = join(consumer, 'node_modules', '@aperture', 'sdk');
    for (const file of ['package.json', 'dist/index.js', 'dist/bundle.d.ts']) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'dist', '.tsbuildinfo'))).toBe(false);
  });

  it('type-checks code that uses what me() returns', async () => {
    const { code, output } = await typecheck('good');
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('fails to type-check a property me() does not have, so the types are not any', async () => {
    const { code, output } = await typecheck('bad');
    expect(code).not.toBe(0);
    expect(output.match(/Property 'nope' does not exist on type/g)).toHaveLength(2);
  });

  it("fails to type-check a rendition read before `kind` says it is a video's", async () => {
    const { code, output } = await typecheck('bad');
    expect(code).not.toBe(0);
    expect(output).toContain("Property '720p' does not exist on type");
  });

  it('loads and creates a client at runtime', async () => {
    const script =
      "import('@aperture/sdk').then((m) => console.log(typeof m.createClient({ url: 'http://127.0.0.1:1' }).me))";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
    expect(stdout.trim()).toBe('function');
  });
});
