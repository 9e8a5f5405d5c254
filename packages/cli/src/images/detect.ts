// Loaded by `aperture browse` before the UI: keep it free of sharp and of anything heavy.
import { UsageError } from '../exit-codes.js';

export const IMAGE_PROTOCOLS = ['blocks', 'kitty', 'iterm', 'none'] as const;
/** How photos are drawn: coloured half-block characters, a terminal graphics protocol, or not at all. */
export type ImageProtocol = (typeof IMAGE_PROTOCOLS)[number];
export type ColorDepth = 'truecolor' | '256';

export interface TerminalImageSupport {
  protocol: ImageProtocol;
  color: ColorDepth;
}

/** The environment variable that picks the protocol when `--images` is not given. */
export const IMAGES_ENV = 'APERTURE_IMAGES';

/**
 * What this terminal can show, from its environment alone. We never ask the terminal (a query is a
 * round trip whose reply lands on stdin, where the UI reads keys), so detection is by the variables
 * terminals are known to set. `override` is the `--images` flag; it wins over `APERTURE_IMAGES`.
 * Either may say `auto`: detect, whatever a lower-ranked choice says. Throws a `UsageError` for
 * anything else that is not a protocol.
 */
export function detectImageSupport(env: NodeJS.ProcessEnv, override?: string): TerminalImageSupport {
  const inTmux = Boolean(env.TMUX);
  const terminal = inTmux ? null : identifyTerminal(env);
  const color: ColorDepth = hasTruecolor(env) || terminal !== null ? 'truecolor' : '256';
  const requested = override ?? nonEmpty(env[IMAGES_ENV]);
  const chosen = requested === undefined ? 'auto' : parseChoice(requested, override !== undefined);
  if (chosen !== 'auto') return { protocol: chosen, color };
  // A terminal that cannot interpret escape sequences would print them as garbage.
  if (env.TERM === 'dumb') return { protocol: 'none', color };
  // tmux does not pass kitty or iTerm2 graphics through unless configured to, and then only when
  // wrapped; blocks are plain coloured text and work everywhere. An explicit choice is still honoured.
  return { protocol: terminal ?? 'blocks', color };
}

/** The graphics protocol of the terminal itself, when it says who it is. */
function identifyTerminal(env: NodeJS.ProcessEnv): 'kitty' | 'iterm' | null {
  if (env.KITTY_WINDOW_ID || env.TERM === 'xterm-kitty') return 'kitty';
  // WezTerm speaks the iTerm2 inline image protocol (and kitty's only partially).
  if (env.TERM_PROGRAM === 'iTerm.app' || env.TERM_PROGRAM === 'WezTerm') return 'iterm';
  return null;
}

function hasTruecolor(env: NodeJS.ProcessEnv): boolean {
  const colorterm = env.COLORTERM?.toLowerCase();
  return colorterm === 'truecolor' || colorterm === '24bit';
}

/** `auto` (detect from the terminal, the same as not choosing) or a protocol. */
function parseChoice(value: string, fromFlag: boolean): ImageProtocol | 'auto' {
  const normalized = value.trim().toLowerCase();
  if (normalized === 'auto') return 'auto';
  const protocol = IMAGE_PROTOCOLS.find((candidate) => candidate === normalized);
  if (protocol) return protocol;
  const source = fromFlag ? '--images' : IMAGES_ENV;
  throw new UsageError(`${source} must be one of auto, ${IMAGE_PROTOCOLS.join(', ')} (got "${value}").`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
