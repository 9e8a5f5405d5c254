import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { metricsSource, readServerCpuSeconds } from '../src/check/server-cpu.js';

const TOKEN = 'server-cpu-test-metrics-token';
let aperture: EphemeralServer;

// The server serves /metrics only behind its token or on its metrics port: `check` reads the
// server's CPU wherever and however the operator tells it to.
beforeAll(async () => {
  aperture = await startEphemeralServer({ APERTURE_METRICS_TOKEN: TOKEN, APERTURE_METRICS_PORT: '0' });
});
afterAll(async () => {
  await aperture?.stop();
});

describe("reading the server's CPU seconds", () => {
  it('from <target>/metrics with the metrics token', async () => {
    const seconds = await readServerCpuSeconds(metricsSource(aperture.url, { token: TOKEN }));
    expect(seconds).toBeGreaterThan(0);
  });

  it('from the metrics listener given as the metrics URL', async () => {
    const url = `${aperture.server.metricsUrl!}/metrics`;
    expect(await readServerCpuSeconds(metricsSource(aperture.url, { url, token: TOKEN }))).toBeGreaterThan(0);
  });

  it('is null (judged from the generator side only) without the token or with a wrong one', async () => {
    expect(await readServerCpuSeconds(metricsSource(aperture.url))).toBeNull();
    expect(await readServerCpuSeconds(metricsSource(aperture.url, { token: `${TOKEN}-wrong` }))).toBeNull();
  });
});
