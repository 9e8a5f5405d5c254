// Video processing against raw ffmpeg running the same commands. Aperture: each clip uploaded
// through the SDK to a local server (SQLite + disk, embedded defaults, its video worker in the same
// process) until `ready`. Baseline: in this process, the server's own ffprobe/ffmpeg argument arrays
// (imported from its build) on the same files — probe and decode check, poster (blackframe gate +
// thumbnail) and its photo derivatives through the same sharp pipeline, both renditions in one
// ffmpeg run — one clip at a time, as the server's one video slot does. Primary figure: CPU seconds
// per second of video, children included (the server process's, with its ffmpeg children's; this
// process's, with its own). Rounds alternate ABBA. Target: ratio ≥ 0.90.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from '@aperture/sdk';
import { flag } from './lib/open-model.js';
import {
  FFMPEG,
  configureRawSharp,
  cpuSince,
  cpuTimes,
  probe,
  renderRaw,
  renditionAlone,
  run as runTool,
} from './lib/video-raw.js';

/** Two kinds of picture: a test pattern with motion, and a cellular automaton scaled up (fine detail). */
const CLIPS = [
  { name: 'testsrc2', source: 'testsrc2=size=1920x1080:rate=30', tone: 330 },
  {
    name: 'life',
    source: 'life=s=480x270:mold=10:r=30:ratio=0.1:death_color=#C83232:life_color=#00ff00,scale=1920:1080',
    tone: 220,
  },
];

/** A 1080p30 H.264 + AAC clip of `seconds`, coded as a camera or phone app would hand it over. */
async function makeClip(dir, clip, seconds) {
  const file = path.join(dir, `${clip.name}.mp4`);
  await runTool(FFMPEG, [
    ...['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', clip.source],
    ...['-f', 'lavfi', '-i', `sine=frequency=${clip.tone}:sample_rate=48000`, '-t', String(seconds)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '128k', '-shortest', '-movflags', '+faststart', file],
  ]);
  return file;
}

/** The server in a child process: its pid for /proc, its URL for the SDK. */
async function startServerProcess() {
  const entry = fileURLToPath(new URL('./lib/video-server.js', import.meta.url));
  const child = spawn(process.execPath, [entry], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  const { url } = JSON.parse(first);
  return {
    url,
    pid: child.pid,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

let users = 0;
/** Every clip uploaded at once through the SDK (a fresh user, or dedupe would answer); until all are ready. */
async function apertureRound(server, files) {
  const client = createClient({ url: server.url });
  users += 1;
  await client.auth.register({
    username: `video_bench_${users}`,
    email: `video_bench_${users}@example.com`,
    password: 'benchmark password',
  });
  const before = cpuTimes(server.pid);
  const start = performance.now();
  const ready = await Promise.all(files.map((file) => client.media.upload(file)));
  const wall = (performance.now() - start) / 1000;
  const cpu = cpuSince(before, server.pid);
  for (const media of ready) {
    if (media.status !== 'ready') throw new Error(`video ${media.id} is ${media.status}`);
  }
  return { cpu: cpu.total, split: cpu, wall };
}

async function rawRound(files) {
  const before = cpuTimes();
  const start = performance.now();
  for (const file of files) await renderRaw(file);
  const wall = (performance.now() - start) / 1000;
  const cpu = cpuSince(before);
  return { cpu: cpu.total, split: cpu, wall };
}

/** Quantile by linear interpolation between the sorted values. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}
const summary = (values) => ({ median: quantile(values, 0.5), q1: quantile(values, 0.25), q3: quantile(values, 0.75) });
const f2 = (n) => n.toFixed(2);
const range = (s) => `${f2(s.median)} [${f2(s.q1)}–${f2(s.q3)}]`;

export async function run(flags) {
  const rounds = flag(flags, 'rounds', 7);
  const seconds = flag(flags, 'seconds', 8);
  if (rounds < 1 || seconds <= 0) throw new Error('--rounds must be at least 1 and --seconds above 0');
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-bench-video-'));
  let server;
  try {
    console.log(`making ${CLIPS.length} clips of ${seconds} s, 1080p30 H.264 + AAC…`);
    const files = [];
    for (const clip of CLIPS) files.push(await makeClip(dir, clip, seconds));
    const sources = await Promise.all(files.map((file) => probe(file)));
    const videoSeconds = sources.reduce((sum, s) => sum + s.facts.durationMs / 1000, 0);
    configureRawSharp();
    server = await startServerProcess();

    // Warm-up, not counted: the server's first check of its tools, sharp's first images, page caches.
    await rawRound(files.slice(0, 1));
    await apertureRound(server, files.slice(0, 1));

    const results = [];
    for (let round = 0; round < rounds; round++) {
      // ABBA: raw first in rounds 0, 3, 4, 7, …; Aperture first in the others.
      const rawFirst = round % 4 === 0 || round % 4 === 3;
      const result = {};
      for (const side of rawFirst ? ['raw', 'aperture'] : ['aperture', 'raw']) {
        result[side] = side === 'raw' ? await rawRound(files) : await apertureRound(server, files);
      }
      results.push(result);
      const ratio = result.raw.cpu / result.aperture.cpu;
      console.log(
        `round ${round + 1}/${rounds} (${rawFirst ? 'raw first' : 'aperture first'}): CPU s raw ${f2(result.raw.cpu)}, ` +
          `aperture ${f2(result.aperture.cpu)}; ratio ${f2(ratio)}`,
      );
    }

    // Realtime factor of each rendition alone, raw, on the first clip: video seconds per second.
    const realtime = {};
    for (const name of ['720.mp4', '360.mp4']) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await renditionAlone(sources[0], name));
      const clipSeconds = sources[0].facts.durationMs / 1000;
      realtime[name] = {
        wall:
          clipSeconds /
          quantile(
            runs.map((r) => r.wall),
            0.5,
          ),
        cpu:
          clipSeconds /
          quantile(
            runs.map((r) => r.cpu),
            0.5,
          ),
      };
    }

    const perVideoSecond = (side) => summary(results.map((r) => r[side].cpu / videoSeconds));
    const throughput = (side) => summary(results.map((r) => videoSeconds / r[side].wall));
    const ratios = summary(results.map((r) => r.raw.cpu / r.aperture.cpu));
    const wallRatios = summary(results.map((r) => r.raw.wall / r.aperture.wall));
    console.log(
      `\n${CLIPS.length} clips × ${seconds} s 1080p30 (${f2(videoSeconds)} s of video) per round, ` +
        `${rounds} paired rounds ABBA; medians [interquartile range]`,
    );
    console.log('                                         CPU s per video s     video s per s (wall)');
    console.log(
      `raw ffmpeg + sharp, same commands        ${range(perVideoSecond('raw')).padEnd(22)}${range(throughput('raw'))}`,
    );
    console.log(
      `aperture upload → ready through the SDK  ${range(perVideoSecond('aperture')).padEnd(22)}${range(throughput('aperture'))}`,
    );
    console.log(
      `ratio raw/aperture, CPU per video second: ${range(ratios)} — target ≥ 0.90: ${ratios.median >= 0.9 ? 'met' : 'missed'}`,
    );
    console.log(`ratio aperture/raw, video seconds per wall second: ${range(wallRatios)}`);
    // Where the CPU went: the ffprobe/ffmpeg children, or the Node process itself (sharp included).
    const split = (side, part) =>
      f2(
        quantile(
          results.map((r) => r[side].split[part] / videoSeconds),
          0.5,
        ),
      );
    console.log(
      `CPU s per video s, children (ffprobe, ffmpeg) + own (Node, sharp): raw ${split('raw', 'children')} + ` +
        `${split('raw', 'own')}, aperture ${split('aperture', 'children')} + ${split('aperture', 'own')}`,
    );
    console.log(
      `raw realtime factor per rendition alone (1 thread, ${sources[0].facts.width}×${sources[0].facts.height} source): ` +
        Object.entries(realtime)
          .map(([name, r]) => `${name.replace('.mp4', 'p')} ${f2(r.wall)}× wall, ${f2(r.cpu)}× per CPU second`)
          .join('; '),
    );
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
