// Every TypeScript block of packages/sdk/README.md type-checks against the SDK as built, with a
// consumer's strict settings, so the README cannot document a method, an argument or a field
// the SDK does not have.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const tsc = join(workspace, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * What the snippets take as given: a client, and the values a reader's program would already
 * hold. Each block runs in a function of its own with `client` in scope (the first block makes
 * its own).
 */
const PRELUDE = `import {
  AuthenticationError,
  createClient,
  MediaRejectedError,
  NotFoundError,
  ServerError,
  type NotificationView,
} from '@aperture/sdk';
declare const url: string;
declare const password: string;
declare const postId: string;
declare const mediaId: string;
declare const uploadId: string;
declare const signal: AbortSignal;
declare function saveSomewhere(token: string): void;
declare function render(items: unknown[]): void;
declare function show(notification: NotificationView): void;
`;

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('packages/sdk/README.md', () => {
  it('every ts block type-checks against the built SDK', { timeout: 120_000 }, async () => {
    expect(existsSync(join(workspace, 'packages', 'sdk', 'dist', 'bundle.d.ts')), 'run npm run build first').toBe(true);
    const readme = await readFile(join(workspace, 'packages', 'sdk', 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(5);
    const functions = blocks.map((block, i) => {
      const body = block.replace(/^import .* from '@aperture\/sdk';\n/m, '');
      const client = /\bconst client = /.test(body)
        ? ''
        : "const client = createClient({ url: 'http://127.0.0.1:4000' });\n";
      return `export async function block${i + 1}(): Promise<void> {\n${client}${body}}\n`;
    });
    // Inside the workspace, so `@aperture/sdk` resolves to this package (its dist), as a
    // consumer's node_modules would.
    await mkdir(join(workspace, 'node_modules', '.cache'), { recursive: true });
    dir = await mkdtemp(join(workspace, 'node_modules', '.cache', 'sdk-readme-'));
    await writeFile(join(dir, 'snippets.ts'), `${PRELUDE}\n${functions.join('\n')}`);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const compilerOptions = { strict: true, target: 'es2022', module: 'nodenext', types: ['node'], noEmit: true };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['snippets.ts'] }));
    const result = await run(process.execPath, [tsc, '-p', dir]).catch((error: { stdout: string }) => error);
    expect('stdout' in result ? result.stdout : '', 'README blocks that do not compile').toBe('');
  });
});
