// The media pipeline against raw sharp. Aperture: upload → verify → process → ready, through the SDK
// on a local server (disk + SQLite, default settings: one image processed at a time). Baseline: raw
// sharp in this process making the same 8 derivatives (150 crop, 320, 640, 1080 × WebP, JPEG) from
// the same files, one file at a time with its 8 encodes in parallel. Target: ratio ≥ 0.90.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { startEphemeralServer } from '@aperture/server';
import { createClient } from '@aperture/sdk';

const ROUNDS = 3;
const SMALL = 10; // ~200 KB, 1080 px wide: the design notes' average photo
const LARGE = 2; // 12 MP camera originals

async function source(width, height, seed) {
  // Smooth gradients plus mild noise compress like photos (a flat image would flatter both sides).
  const base = await sharp({
    create: {
      width: 64,
      height: 64,
      channels: 3,
      background: { r: seed % 255, g: (seed * 7) % 255, b: (seed * 13) % 255 },
    },
  })
    .raw()
    .toBuffer();
  for (let i = 0; i < base.length; i++) base[i] = (base[i] + ((i * 31 + seed * 17) % 97)) % 256;
  const noise = randomBytes(width * height);
  const gradient = await sharp(base, { raw: { width: 64, height: 64, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  for (let i = 0; i < gradient.length; i++)
    gradient[i] = Math.min(255, Math.max(0, gradient[i] + (noise[i % noise.length] % 24) - 12));
  return sharp(gradient, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function rawSharp(file) {
  const jobs = [];
  const thumb = () => sharp(file).rotate().resize(150, 150, { fit: 'cover' });
  jobs.push(thumb().webp({ quality: 80 }).toBuffer(), thumb().jpeg({ quality: 80, mozjpeg: true }).toBuffer());
  for (const width of [320, 640, 1080]) {
    const resized = () => sharp(file).rotate().resize({ width, withoutEnlargement: true });
    jobs.push(resized().webp({ quality: 80 }).toBuffer(), resized().jpeg({ quality: 80, mozjpeg: true }).toBuffer());
  }
  await Promise.all(jobs);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run() {
  const files = [];
  for (let i = 0; i < SMALL; i++) files.push(await source(1080, 1350, i));
  for (let i = 0; i < LARGE; i++) files.push(await source(4000, 3000, 100 + i));
  const smallKb = Math.round(files.slice(0, SMALL).reduce((s, f) => s + f.length, 0) / SMALL / 1024);
  const server = await startEphemeralServer();
  const results = { raw: [], aperture: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      let start = performance.now();
      for (const file of files) await rawSharp(file);
      results.raw.push(files.length / ((performance.now() - start) / 1000));

      // A fresh user per round: dedupe would otherwise answer every upload without processing it.
      const client = createClient({ url: server.url });
      await client.auth.register({
        username: `bench_${round}_${Date.now() % 100000}`,
        email: `b${round}${Date.now()}@example.com`,
        password: 'benchmark password',
      });
      start = performance.now();
      // Several uploads in flight, as real clients would; the server still processes one at a time.
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < files.length) {
            const file = files[next++];
            const media = await client.media.upload(file);
            if (media.status !== 'ready') throw new Error(`media ${media.id} is ${media.status}`);
          }
        }),
      );
      results.aperture.push(files.length / ((performance.now() - start) / 1000));
    }
  } finally {
    await server.stop();
  }
  const raw = median(results.raw);
  const aperture = median(results.aperture);
  console.log(`${SMALL} photos 1080×1350 (~${smallKb} KB) + ${LARGE} photos 4000×3000, ${ROUNDS} rounds, medians`);
  console.log(`raw sharp, 8 derivatives per file (baseline)   ${raw.toFixed(2)} images/s`);
  console.log(`aperture upload → ready through the SDK        ${aperture.toFixed(2)} images/s`);
  console.log(`ratio aperture/raw sharp: ${(aperture / raw).toFixed(2)} (target ≥ 0.90)`);
}
