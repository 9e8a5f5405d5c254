// The operator's guide (docs/operations.md) and the deployment examples it points to
// (examples/deploy/) name only settings that exist, and their stop timeouts leave a stopping
// process its whole graceful stop. A variable renamed or removed in env-schema.ts, a unit whose stop
// timeout a longer default grace would overtake, or a link to a section that moved fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { ENV_VARIABLES } from '../../src/config/env-schema.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
const DEPLOY = 'examples/deploy';
const deployFiles = readdirSync(`${root}${DEPLOY}`).map((name) => `${DEPLOY}/${name}`);
const units = deployFiles.filter((path) => path.endsWith('.service'));

/** The default grace, as the server would run with nothing set. */
const defaultGraceSeconds = loadConfig({}).shutdownGraceMs / 1000;

/** `30`, `30s`, `1min 30s`, `2m` as systemd and Compose write durations, in seconds. */
function durationSeconds(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|min|m|s|h)?/g)) {
    const factor = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600 }[unit ?? 's']!;
    total += Number(amount) * factor;
  }
  return total;
}

/** `KEY=value` lines of an env file or unit (comments and blank lines left out). */
function assignments(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => [match[1]!, match[2]!] as const);
  return new Map(entries);
}

describe('docs/operations.md and examples/deploy', () => {
  it('name only APERTURE_* variables the config schema has', () => {
    const known = new Set<string>(ENV_VARIABLES);
    let named = 0;
    for (const path of ['docs/operations.md', ...deployFiles]) {
      const names = new Set([...read(path).matchAll(/\bAPERTURE_[A-Z0-9_]+\b/g)].map((m) => m[0]));
      expect(
        [...names].filter((name) => !known.has(name)),
        path,
      ).toEqual([]);
      named += names.size;
    }
    expect(named).toBeGreaterThan(20);
  });

  it('has systemd units for the api and the worker template, and a compose file', () => {
    expect(deployFiles).toEqual(
      expect.arrayContaining([
        `${DEPLOY}/aperture-api.service`,
        `${DEPLOY}/aperture-worker@.service`,
        `${DEPLOY}/aperture.env.example`,
        `${DEPLOY}/compose.yaml`,
      ]),
    );
  });

  it('the env file template is a configuration the server accepts', () => {
    const env = Object.fromEntries(assignments(read(`${DEPLOY}/aperture.env.example`)));
    expect(Object.keys(env).length).toBeGreaterThan(5);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it.each(units)('%s stops with SIGTERM and waits longer than the shutdown grace, and restarts on failure', (path) => {
    const unit = assignments(read(path));
    expect(unit.get('KillSignal')).toBe('SIGTERM');
    expect(unit.get('Restart')).toMatch(/^(on-failure|always)$/);
    expect(unit.get('EnvironmentFile')).toBeDefined();
    expect(unit.get('ExecStart')).toMatch(/aperture\.js serve --role (api|worker)/);
    // V8's JIT needs writable executable memory: this hardening option would kill node at start.
    expect(unit.get('MemoryDenyWriteExecute') ?? 'no').toBe('no');
    const stopTimeout = durationSeconds(unit.get('TimeoutStopSec') ?? '');
    const templateGrace = Number(
      assignments(read(`${DEPLOY}/aperture.env.example`)).get('APERTURE_SHUTDOWN_GRACE_SECONDS'),
    );
    expect(stopTimeout).toBeGreaterThan(defaultGraceSeconds);
    expect(stopTimeout).toBeGreaterThan(templateGrace);
  });

  it('compose stops every Aperture service with SIGTERM and a grace period longer than the shutdown grace', () => {
    const compose = read(`${DEPLOY}/compose.yaml`);
    const grace = /^\s+stop_grace_period: (\S+)$/m.exec(compose);
    expect(grace, 'stop_grace_period').not.toBeNull();
    expect(durationSeconds(grace![1]!)).toBeGreaterThan(defaultGraceSeconds);
    const graceSet = Number(/APERTURE_SHUTDOWN_GRACE_SECONDS: '(\d+)'/.exec(compose)?.[1] ?? defaultGraceSeconds);
    expect(durationSeconds(grace![1]!)).toBeGreaterThan(graceSet);
    expect(compose).toMatch(/^\s+stop_signal: SIGTERM$/m);
    // Every service running `aperture serve` takes the shared block that holds those settings.
    const serving = compose.match(/command: \['serve'/g) ?? [];
    const sharing = compose.match(/<<: \*aperture$/gm) ?? [];
    expect(serving.length).toBeGreaterThanOrEqual(3);
    expect(sharing.length).toBe(serving.length);
  });

  it('every link to docs/operations.md, from the docs and README, reaches a heading it has', () => {
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
    const anchors = new Set([...read('docs/operations.md').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));
    const sources = [
      'README.md',
      ...readdirSync(`${root}docs`)
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    let links = 0;
    for (const path of sources) {
      const text = read(path);
      const self = path === 'docs/operations.md';
      const pattern = self ? /\]\((?:operations\.md)?#([^)]+)\)/g : /\]\((?:docs\/)?operations\.md#([^)]+)\)/g;
      for (const [, anchor] of text.matchAll(pattern)) {
        expect(anchors, `${path} → #${anchor}`).toContain(anchor);
        links += 1;
      }
      expect(text, path).not.toMatch(/operations-(processes|replica)\.md/);
    }
    expect(links).toBeGreaterThan(5);
  });
});
