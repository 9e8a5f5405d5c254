// The raw side of the video benchmark: the server's own ffprobe/ffmpeg command lines (imported from
// its build, so they are identical argument for argument) and its photo pipeline for the poster's
// derivatives, run directly in this process on local files — no HTTP, no database, no blob store,
// no hashing or copies. Plus CPU-time readings from /proc that include waited-for children.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The server package's build (`npm run build`): the modules the server itself runs.
const built = (file) => import(new URL(`../../../packages/server/dist/modules/media/${file}`, import.meta.url).href);
const commands = await built('video/commands.js');
const { judgeProbe } = await built('video/facts.js');
const { sniffVideoContainer } = await built('video/container.js');
const { processImage, configureSharp } = await built('pipeline/index.js');
const { DEFAULT_MEDIA_SETTINGS } = await import(
  new URL('../../../packages/server/dist/config/media-settings.js', import.meta.url).href
);

const require = createRequire(import.meta.url);
export const FFMPEG = require('@ffmpeg-installer/ffmpeg').path;
export const FFPROBE = require('@ffprobe-installer/ffprobe').path;
/** As the server's children: one thread each (APERTURE_VIDEO_CONCURRENCY=1, `-threads 1`). */
const TOOLS = { threads: 1 };
const LIMITS = {
  maxSeconds: DEFAULT_MEDIA_SETTINGS.maxVideoSeconds,
  maxLongSide: DEFAULT_MEDIA_SETTINGS.maxVideoLongSide,
};

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * CPU seconds (user + system) of a process itself and of the children it has waited for — the
 * server's ffmpeg children, or this process's own — from /proc/<pid>/stat.
 */
export function cpuTimes(pid = 'self') {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime field 14.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return { own: (utime + stime) / TICKS, children: (cutime + cstime) / TICKS };
}

/** CPU seconds from `before` until now, in all and split as `cpuTimes`. */
export function cpuSince(before, pid = 'self') {
  const now = cpuTimes(pid);
  const own = now.own - before.own;
  const children = now.children - before.children;
  return { total: own + children, own, children };
}

/** Runs a binary as the server does (argument array, no shell, `LC_ALL=C` only), collecting its output. */
export function run(binary, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: { LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-8192)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${path.basename(binary)} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** What the server learns at upload: the container from the magic bytes, ffprobe, a frame near the end. */
export async function probe(file) {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(64);
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const container = sniffVideoContainer(head);
  const probed = await run(FFPROBE, commands.probeArgs(TOOLS, container, file));
  const output = JSON.parse(probed.stdout);
  const facts = judgeProbe(container, output, probed.stderr, LIMITS);
  await run(FFMPEG, commands.decodeCheckArgs(TOOLS, container, file, commands.decodeCheckSeconds(output, facts)));
  return { file, container, facts };
}

/** The server's video work on one local file: probe, poster (and its photo derivatives), both renditions. */
export async function renderRaw(file) {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-bench-raw-'));
  try {
    const source = await probe(file);
    const poster = path.join(dir, 'poster.png');
    for (const skipDark of [true, false]) {
      await run(FFMPEG, commands.posterArgs(TOOLS, source, poster, skipDark));
      if (
        await stat(poster).then(
          (s) => s.size > 0,
          () => false,
        )
      )
        break;
    }
    await processImage(await readFile(poster), {
      keepLocation: false,
      maxPixels: DEFAULT_MEDIA_SETTINGS.maxPixels,
      maxBytes: DEFAULT_MEDIA_SETTINGS.maxBytes,
    });
    await run(FFMPEG, commands.transcodeArgs(TOOLS, source, dir).args);
    return source.facts.durationMs / 1000;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One rendition alone, as the server's transcode writes it: wall and CPU seconds. */
export async function renditionAlone(source, name) {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-bench-rendition-'));
  try {
    const cpu = cpuTimes();
    const start = performance.now();
    await run(FFMPEG, commands.transcodeArgs(TOOLS, source, dir, [name]).args);
    return { wall: (performance.now() - start) / 1000, cpu: cpuSince(cpu).total };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The server configures sharp once at start; the raw side does the same. */
export function configureRawSharp() {
  configureSharp();
}
