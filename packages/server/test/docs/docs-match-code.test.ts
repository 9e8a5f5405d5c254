// The reference docs list what the code has, no more and no less: every environment variable
// env-schema.ts lists (README's Configuration table and docs/configuration.md, both generated from the
// schema and config/env-docs.ts by `npm run docs:env`), every error code of
// errors/codes.ts with its HTTP status (docs/api.md and the SDK README's error classes), and every
// procedure of the router (docs/api.md). A variable, code or procedure added without its docs, or
// removed with its docs left behind, fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppRouter } from '../../src/api/router.js';
import { ENV_VARIABLES } from '../../src/config/env-schema.js';
import { withEnvTable, type EnvTableKind } from '../../src/config/env-table.js';
import { ERROR_CODES } from '../../src/errors/codes.js';
import { createMetrics } from '../../src/http/metrics.js';
import { sqliteDialect } from '../support/databases.js';
import { listProcedures } from '../support/raw-calls.js';
import { startTestServer, type TestServer } from '../support/server.js';

const doc = (path: string) => readFileSync(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)), 'utf8');

/** The first cell of every table row of a markdown text, when it is one backticked name. */
function tableNames(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

describe('docs match the code', () => {
  it('every environment variable has a row in README and in docs/configuration.md, and no row is stale', () => {
    for (const path of ['README.md', 'docs/configuration.md']) {
      const documented = tableNames(doc(path)).filter((name) => /^(APERTURE|AWS)_[A-Z_]+$/.test(name));
      expect(new Set(documented), path).toEqual(new Set(ENV_VARIABLES));
    }
  });

  it('the environment tables are the ones npm run docs:env generates from the config schema', () => {
    const tables: [string, EnvTableKind][] = [
      ['README.md', 'summary'],
      ['docs/configuration.md', 'reference'],
    ];
    for (const [path, kind] of tables) {
      const markdown = doc(path);
      expect(markdown, `${path} has drifted from the schema: run npm run docs:env`).toBe(withEnvTable(markdown, kind));
    }
  });

  it('every error code has its row in docs/api.md with its HTTP status, and a class in the SDK README', () => {
    const api = doc('docs/api.md');
    const rows = new Map([...api.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));
    const expected = new Map(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]));
    expect(rows).toEqual(expected);
    const sdkErrors = doc('packages/sdk/README.md').split('\n## Errors\n')[1] ?? '';
    for (const code of Object.keys(ERROR_CODES)) expect(sdkErrors, code).toContain(`\`${code}\``);
  });

  describe('procedures', () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({ dialect: sqliteDialect });
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('every procedure of the router has its row in docs/api.md, with its kind, and every row is a procedure', () => {
      const procedures = listProcedures(createAppRouter(t.server.services, createMetrics()));
      const api = doc('docs/api.md');
      // `graph.mute` / `graph.unmute` share a row: every backticked path in a first cell counts.
      const rows = [...api.matchAll(/^\| ((?:`[a-z]+(?:\.[a-zA-Z]+)+`(?: \/ )?)+) \| ([a-z ()A-Z]+) \|/gm)];
      const documented = new Map<string, string>();
      for (const [, cell, kind] of rows) {
        for (const [, path] of cell!.matchAll(/`([^`]+)`/g)) documented.set(path!, kind!.split(' ')[0]!);
      }
      expect(new Map(procedures.map((p) => [p.path, p.type]))).toEqual(documented);
    });
  });
});
