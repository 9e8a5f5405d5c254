// The media pipeline against raw sharp. Aperture: upload → verify → process → ready, through the SDK
// on a local server in this process (disk + SQLite, default settings: one image processed at a
// time). Baseline: the strongest raw method found for the same 8 derivatives (150 crop, 320, 640,
// 1080 × WebP, JPEG), the ThumbHash placeholder and the 64-bit perceptual hash from the same files,
// with raw sharp: decode once (shrinking on load), each width resized from the next larger one's
// pixels, both formats encoded from one resize, placeholder and hash from the smallest width. Primary figure: CPU time of this process per image (both sides run here, one at a
// time, in ABBA-ordered pairs); target: the baseline's CPU per image ≥ 0.90 of Aperture's.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { startEphemeralServer } from '@aperture/server';
import { createClient } from '@aperture/sdk';
import { flag } from './lib/open-model.js';
import { formatSpread, pairedRounds, spread } from './lib/paired.js';

const SMALL = 10; // ~200 KB, 1080 px wide: the design notes' average photo
const LARGE = 2; // 12 MP camera originals
const WIDTHS = [1080, 640, 320];
const THUMB = 150;
const HASH_GRID = 32;
const WEBP = { quality: 80 };
const JPEG = { quality: 80, mozjpeg: true };

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

/** The baseline: the same outputs as Aperture's pipeline, by the cheapest route raw sharp offers. */
async function rawSharp(file) {
  const meta = await sharp(file).metadata();
  const [w, h] = (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height];
  const scale = Math.min(1, Math.max(1080 / w, THUMB / Math.min(w, h)));
  const decoded = await raw(
    sharp(file)
      .autoOrient()
      .resize({ width: Math.round(w * scale) })
      .toColourspace('srgb'),
  );
  const levels = [];
  let source = decoded;
  for (const width of WIDTHS) {
    if (width < source.info.width) {
      const height = Math.max(1, Math.round((decoded.info.height * width) / decoded.info.width));
      source = await raw(pixels(source).resize(width, height, { fit: 'fill' }));
    }
    levels.push(source);
  }
  const covering = (size) => levels.filter((l) => Math.min(l.info.width, l.info.height) >= size).at(-1) ?? decoded;
  const thumb = await raw(pixels(covering(THUMB)).resize(THUMB, THUMB, { fit: 'cover' }));
  const encodes = [...levels, thumb].flatMap((level) => [
    pixels(level).webp(WEBP).toBuffer(),
    pixels(level).flatten({ background: '#ffffff' }).jpeg(JPEG).toBuffer(),
  ]);
  const placeholder = raw(pixels(covering(100)).resize(100, 100, { fit: 'inside' }).ensureAlpha()).then(
    ({ data, info }) => rgbaToThumbHash(info.width, info.height, data),
  );
  const grid = pixels(levels.at(-1)).flatten({ background: '#ffffff' }).greyscale();
  const hash = raw(grid.resize(HASH_GRID, HASH_GRID, { fit: 'fill' }).extractChannel(0)).then(({ data }) =>
    perceptualHash(data),
  );
  await Promise.all([...encodes, placeholder, hash]);
}

/** cos((2x + 1)kπ / 64) for the 8 lowest frequencies k of a 32-point DCT. */
const COS = Array.from({ length: 8 }, (_, k) =>
  Float64Array.from({ length: HASH_GRID }, (_, x) => Math.cos(((2 * x + 1) * k * Math.PI) / (2 * HASH_GRID))),
);

/** pHash: the 8 × 8 lowest frequencies of the grid's 2-D DCT (rows, then columns), a bit each: above their median. */
function perceptualHash(grey) {
  const rows = new Float64Array(HASH_GRID * 8);
  for (let y = 0; y < HASH_GRID; y++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let x = 0; x < HASH_GRID; x++) sum += grey[y * HASH_GRID + x] * COS[u][x];
      rows[y * 8 + u] = sum;
    }
  }
  const coefficients = new Float64Array(64);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let y = 0; y < HASH_GRID; y++) sum += rows[y * 8 + u] * COS[v][y];
      coefficients[v * 8 + u] = sum;
    }
  }
  const sorted = coefficients.slice(1).sort();
  const median = (sorted[31] + sorted[32]) / 2;
  let bits = 0n;
  for (const c of coefficients) bits = (bits << 1n) | (c > median ? 1n : 0n);
  return bits;
}

const raw = (pipeline) => pipeline.raw().toBuffer({ resolveWithObject: true });
const pixels = ({ data, info }) =>
  sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });

/** CPU time and wall time of one side's round over every file, per image. */
async function measure(files, work) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return {
    cpuMs: (used.user + used.system) / 1000 / files.length,
    imagesPerSecond: files.length / ((performance.now() - start) / 1000),
  };
}

export async function run(flags) {
  const pairs = flag(flags, 'pairs', 7);
  const files = [];
  for (let i = 0; i < SMALL; i++) files.push(await source(1080, 1350, i));
  for (let i = 0; i < LARGE; i++) files.push(await source(4000, 3000, 100 + i));
  const smallKb = Math.round(files.slice(0, SMALL).reduce((s, f) => s + f.length, 0) / SMALL / 1024);
  const server = await startEphemeralServer();
  let users = 0;
  const sides = {
    raw: () =>
      measure(files, async () => {
        for (const file of files) await rawSharp(file);
      }),
    aperture: async () => {
      // A fresh user per round: dedupe would otherwise answer every upload without processing it.
      const client = createClient({ url: server.url });
      users++;
      await client.auth.register({
        username: `bench_${users}_${Date.now() % 100000}`,
        email: `b${users}${Date.now()}@example.com`,
        password: 'benchmark password',
      });
      return measure(files, async () => {
        // Several uploads in flight, as real clients would; the server still processes one at a time.
        let next = 0;
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (next < files.length) {
              const media = await client.media.upload(files[next++]);
              if (media.status !== 'ready') throw new Error(`media ${media.id} is ${media.status}`);
            }
          }),
        );
      });
    },
  };
  let results;
  try {
    await sides.raw(); // warm-up: sharp's and the server's first calls load code and caches
    await sides.aperture();
    results = await pairedRounds(pairs, ['raw', 'aperture'], async (side, pair) => {
      const r = await sides[side]();
      console.log(
        `  pair ${pair + 1} ${side.padEnd(8)} ${r.cpuMs.toFixed(0)} ms CPU/image, ${r.imagesPerSecond.toFixed(2)} images/s`,
      );
      return r;
    });
  } finally {
    await server.stop();
  }
  const median = (side, key) => spread(results.map((r) => r[side][key])).median;
  const cost = spread(results.map((r) => r.raw.cpuMs / r.aperture.cpuMs));
  const throughput = spread(results.map((r) => r.aperture.imagesPerSecond / r.raw.imagesPerSecond));
  console.log(`${SMALL} photos 1080×1350 (~${smallKb} KB) + ${LARGE} photos 4000×3000 a round, ${pairs} ABBA pairs`);
  console.log(
    `raw sharp, decode once + cascade (baseline)  ${median('raw', 'cpuMs').toFixed(0)} ms CPU/image, ${median('raw', 'imagesPerSecond').toFixed(2)} images/s (medians)`,
  );
  console.log(
    `aperture upload → ready through the SDK     ${median('aperture', 'cpuMs').toFixed(0)} ms CPU/image, ${median('aperture', 'imagesPerSecond').toFixed(2)} images/s (medians)`,
  );
  console.log(`baseline's CPU per image / aperture's, per pair: ${formatSpread(cost)}`);
  console.log(`aperture's images/s / baseline's, per pair:      ${formatSpread(throughput)}`);
  console.log(`target ≥ 0.90 (CPU per image): ${cost.median >= 0.9 ? 'met' : 'MISSED'}`);
}
