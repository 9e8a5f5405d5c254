import type { Assumptions } from './scenario-types.js';

type Kind = 'count' | 'ratio' | 'positive';

/** One `aperture loadgen plan` override: its flag, the assumption it sets, and what it accepts. */
export interface OverrideFlag {
  flag: string;
  key: keyof Assumptions;
  kind: Kind;
  description: string;
}

/** Every override flag, for the CLI to register and for `parseOverrides` to read. */
export const OVERRIDE_FLAGS: readonly OverrideFlag[] = [
  { flag: 'total-users', key: 'totalUsers', kind: 'count', description: 'registered accounts (e.g. 500m)' },
  { flag: 'dau', key: 'dau', kind: 'count', description: 'daily active users (e.g. 2m)' },
  { flag: 'posting-share', key: 'postingShare', kind: 'ratio', description: 'share of DAU uploading per day (0-1)' },
  { flag: 'photos-per-poster', key: 'photosPerPoster', kind: 'count', description: 'photos per posting user per day' },
  { flag: 'videos-per-poster', key: 'videosPerPoster', kind: 'count', description: 'videos per posting user per day' },
  { flag: 'photo-kb', key: 'photoKB', kind: 'count', description: 'stored KB per photo' },
  { flag: 'video-kb', key: 'videoKB', kind: 'count', description: 'stored KB per video' },
  { flag: 'feed-views', key: 'feedViewsPerUser', kind: 'count', description: 'feed requests (pages) per DAU per day' },
  { flag: 'peak-factor', key: 'peakFactor', kind: 'positive', description: 'peak rate / average rate' },
  { flag: 'metadata-bytes', key: 'metadataBytesPerPhoto', kind: 'count', description: 'metadata bytes per upload' },
  { flag: 'years', key: 'retentionYears', kind: 'positive', description: 'retention years for storage totals' },
  { flag: 'feed-view-kb', key: 'feedViewKB', kind: 'count', description: 'image KB served per feed request' },
  { flag: 'cdn-hit-ratio', key: 'cdnHitRatio', kind: 'ratio', description: 'share of egress the CDN serves (0-1)' },
  { flag: 'user-row-bytes', key: 'userRowBytes', kind: 'count', description: 'bytes per user row' },
  { flag: 'follow-row-bytes', key: 'followRowBytes', kind: 'count', description: 'bytes per follow row' },
  { flag: 'follows-per-user', key: 'followsPerUser', kind: 'count', description: 'accounts followed per user' },
  { flag: 'hashtags-per-post', key: 'hashtagsPerPost', kind: 'count', description: 'hashtags (tag writes) per post' },
  {
    flag: 'event-retention-days',
    key: 'eventRetentionDays',
    kind: 'positive',
    description: 'days the event bus keeps',
  },
  {
    flag: 'connections-per-server',
    key: 'connectionsPerServer',
    kind: 'positive',
    description: 'concurrent connections per web server',
  },
];

const SUFFIXES: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

/** "2m" → 2,000,000; "1.5k" → 1,500; "95%" → 0.95; "1_000" and "1,000" → 1,000. NaN when unreadable. */
export function parseAmount(raw: string): number {
  const text = raw.trim().toLowerCase().replace(/[_,]/g, '');
  const match = /^(\d+(?:\.\d+)?|\.\d+)(?:e(\d+))?([kmbt%])?$/.exec(text);
  if (!match) return Number.NaN;
  const [, digits = '', exponent, suffix] = match;
  const base = Number(digits) * 10 ** Number(exponent ?? 0);
  if (suffix === '%') return base / 100;
  return suffix ? base * (SUFFIXES[suffix] ?? Number.NaN) : base;
}

/** Why `value` is not acceptable for `spec`, or null when it is. */
export function checkValue(spec: OverrideFlag, value: number): string | null {
  if (!Number.isFinite(value)) return 'is not a number';
  if (spec.kind === 'ratio' && (value < 0 || value > 1)) return 'must be between 0 and 1 (or 0%-100%)';
  if (spec.kind === 'positive' && value <= 0) return 'must be greater than 0';
  if (value < 0) return 'must not be negative';
  return null;
}

export class OverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverrideError';
  }
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * CLI flags → assumption overrides. Accepts commander's options object (camelCase or kebab-case
 * keys; unknown keys such as `scenario` or `json` are ignored) or raw argv (`--dau 2m`,
 * `--dau=2m`, where an unknown flag is an error). Throws OverrideError naming the flag and the
 * accepted form.
 */
export function parseOverrides(flags: Record<string, unknown> | readonly string[]): Partial<Assumptions> {
  const entries = isArgv(flags) ? argvEntries(flags) : objectEntries(flags);
  const overrides: Partial<Assumptions> = {};
  for (const [spec, raw] of entries) {
    const value = typeof raw === 'number' ? raw : parseAmount(String(raw));
    const problem = checkValue(spec, value);
    if (problem !== null) {
      const example = spec.kind === 'ratio' ? '0.95 or 95%' : '2m, 500k or 1500';
      throw new OverrideError(`--${spec.flag} ${problem}: got "${String(raw)}" (e.g. ${example}).`);
    }
    overrides[spec.key] = value;
  }
  return overrides;
}

// Array.isArray does not narrow a readonly array out of a union.
function isArgv(flags: Record<string, unknown> | readonly string[]): flags is readonly string[] {
  return Array.isArray(flags);
}

function objectEntries(flags: Record<string, unknown>): [OverrideFlag, unknown][] {
  const out: [OverrideFlag, unknown][] = [];
  for (const spec of OVERRIDE_FLAGS) {
    const raw = flags[camel(spec.flag)] ?? flags[spec.flag];
    if (raw !== undefined) out.push([spec, raw]);
  }
  return out;
}

function argvEntries(argv: readonly string[]): [OverrideFlag, unknown][] {
  const out: [OverrideFlag, unknown][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const spec = match ? OVERRIDE_FLAGS.find((s) => s.flag === match[1]) : undefined;
    if (!match || !spec) {
      const known = OVERRIDE_FLAGS.map((s) => `--${s.flag}`).join(', ');
      throw new OverrideError(`Unknown override "${arg}": use ${known}.`);
    }
    const raw = match[2] ?? argv[++i];
    if (raw === undefined || raw.startsWith('--')) throw new OverrideError(`--${spec.flag} needs a value.`);
    out.push([spec, raw]);
  }
  return out;
}
