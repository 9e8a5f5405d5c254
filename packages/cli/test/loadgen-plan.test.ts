import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';

let home: CliHome;

beforeAll(async () => {
  requireBuild();
  home = await createCliHome();
});
afterAll(async () => {
  await home?.cleanup();
});

interface PlanJson {
  scenario: { id: string };
  peakFeedRequestsPerSec: number | null;
  figures: { key: string; value: number; basis: string; source: string }[];
}

describe('aperture loadgen plan', () => {
  it('prints the note’s stated peak, marked with its source and line', async () => {
    const result = await home.run(['loadgen', 'plan', '--scenario', 'instagram-500m-dau']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /feed requests\/s \(peak\)\s+300,000 requests\/s\s+stated \("Instagram \/ Photo Sharing", line 59\)/,
    );
    expect(result.stdout).toMatch(/media stored\/year\s+73 PB\s+derived \(per day × 365 = 73 PB\)/);
  });

  it('--json marks every figure stated or derived', async () => {
    const result = await home.run(['--json', 'loadgen', 'plan', '--scenario', 'instagram-50m-dau']);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.peakFeedRequestsPerSec).toBe(20_000);
    for (const f of plan.figures) {
      expect(f.source).toMatch(f.basis === 'stated' ? /^stated \("Design Instagram", line \d+\)$/ : /^derived \(.+\)$/);
    }
  });

  it('still answers to a former id, with a warning naming the new one', async () => {
    const result = await home.run(['--json', 'loadgen', 'plan', '--scenario', 'seed-003']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('warning: scenario "seed-003" is deprecated, use "instagram-500m-dau"');
    expect((JSON.parse(result.stdout) as PlanJson).scenario.id).toBe('instagram-500m-dau');
  });

  it('without a scenario, lists every note’s stated figures by line', async () => {
    const result = await home.run(['loadgen', 'plan']);
    expect(result.code, result.stderr).toBe(0);
    for (const id of ['instagram-hashtags-2m-posts', 'instagram-500m-dau', 'photo-app-1m-dau', 'instagram-50m-dau']) {
      expect(result.stdout).toContain(id);
    }
    expect(result.stdout).toMatch(
      /line 59\s+feed requests\/s \(peak\)\s+300,000 requests\/s\s+"Peak: 300,000 reads\/second"/,
    );
    const json = await home.run(['--json', 'loadgen', 'plan']);
    const rows = JSON.parse(json.stdout) as { scenario: string; line: number; source: string }[];
    expect(rows).toContainEqual(
      expect.objectContaining({
        scenario: 'instagram-hashtags-2m-posts',
        line: 93,
        source: expect.stringContaining('Case Study'),
      }),
    );
  });

  it.each([
    [['--dau', '5m'], 'overrides need a --scenario'],
    [
      ['--scenario', 'instagram-hashtags-2m-posts', '--dau', '5m'],
      '--dau changes no figure of instagram-hashtags-2m-posts',
    ],
    [['--scenario', 'seed-004'], 'Unknown scenario "seed-004"'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const result = await home.run(['loadgen', 'plan', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
