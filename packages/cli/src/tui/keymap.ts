/**
 * Every key of `aperture browse`, in one table: the input handler resolves keys with it, and the
 * help overlay, the footer hints and docs/cli.md are all generated from it, so they cannot drift.
 */
import type { UserRole } from '@aperture/sdk';

export type ScreenKind =
  'feed' | 'post' | 'profile' | 'hashtag' | 'search' | 'notifications' | 'requests' | 'compose' | 'moderation';

export const SCREENS: readonly ScreenKind[] = [
  'feed',
  'post',
  'profile',
  'hashtag',
  'search',
  'notifications',
  'requests',
  'compose',
  'moderation',
];

export type Action =
  | 'down'
  | 'up'
  | 'prevPhoto'
  | 'nextPhoto'
  | 'openVideo'
  | 'reveal'
  | 'open'
  | 'back'
  | 'like'
  | 'comment'
  | 'follow'
  | 'author'
  | 'approve'
  | 'reject'
  | 'search'
  | 'notifications'
  | 'requests'
  | 'compose'
  | 'moderation'
  | 'modList'
  | 'modAct'
  | 'home'
  | 'refresh'
  | 'help'
  | 'quit';

export interface Binding {
  /** Key names as keyName() spells them: a character, or up/down/left/right/enter/esc/ctrl+c. */
  keys: readonly string[];
  action: Action;
  description: string;
  /** Where the key works; 'all' for everywhere. */
  screens: readonly ScreenKind[] | 'all';
  /** Shown in the footer of the screens it works on (the rest are in the `?` overlay). */
  hint?: string;
  /**
   * Moderators' and admins' only: for anyone else the key does nothing and is shown nowhere (the
   * server refuses them the moderation procedures anyway).
   */
  moderators?: true;
}

/** Whether an account's role moderates (docs/moderation.md): moderators and admins. */
export function canModerate(role: UserRole): boolean {
  return role === 'moderator' || role === 'admin';
}

const POSTS: ScreenKind[] = ['feed', 'post', 'profile', 'hashtag'];
/** Where a post's photo or video is shown large. */
const PHOTOS: ScreenKind[] = ['feed', 'post', 'hashtag'];

export const KEYMAP: readonly Binding[] = [
  {
    keys: ['j', 'down'],
    action: 'down',
    description: 'move down (loads more at the end)',
    screens: 'all',
    hint: 'move',
  },
  { keys: ['k', 'up'], action: 'up', description: 'move up', screens: 'all' },
  {
    keys: ['left', 'right'],
    action: 'nextPhoto',
    description: 'previous / next photo or video of a carousel',
    screens: PHOTOS,
  },
  {
    keys: ['o'],
    action: 'openVideo',
    description: "open the video in the system's player (or show its URL)",
    screens: PHOTOS,
    hint: 'video',
  },
  {
    keys: ['v'],
    action: 'reveal',
    description: 'view a post marked sensitive (shown covered until then)',
    screens: POSTS,
  },
  {
    keys: ['enter'],
    action: 'open',
    description: 'open the selected post, user, tag or field',
    screens: 'all',
    hint: 'open',
  },
  { keys: ['esc', 'q'], action: 'back', description: 'back (q on the home feed quits)', screens: 'all', hint: 'back' },
  { keys: ['l'], action: 'like', description: 'like / unlike the post', screens: POSTS, hint: 'like' },
  {
    keys: ['c'],
    action: 'comment',
    description: 'comment on the post (reply to the selected comment)',
    screens: POSTS,
    hint: 'comment',
  },
  {
    keys: ['f'],
    action: 'follow',
    description: 'follow / unfollow (or withdraw a request)',
    screens: ['profile', 'post'],
    hint: 'follow',
  },
  {
    keys: ['u'],
    action: 'author',
    description: "open the author's (or actor's) profile",
    screens: ['feed', 'post', 'hashtag', 'search', 'notifications', 'requests'],
    hint: 'user',
  },
  { keys: ['a'], action: 'approve', description: 'approve the follow request', screens: ['requests'], hint: 'approve' },
  { keys: ['x'], action: 'reject', description: 'reject the follow request', screens: ['requests'], hint: 'reject' },
  { keys: ['/'], action: 'search', description: 'search users, tags and posts', screens: 'all', hint: 'search' },
  {
    keys: ['n'],
    action: 'notifications',
    description: 'notifications (marks them read)',
    screens: 'all',
    hint: 'notifs',
  },
  { keys: ['R'], action: 'requests', description: 'follow requests to you', screens: 'all' },
  { keys: ['p'], action: 'compose', description: 'compose a post', screens: 'all' },
  { keys: ['h'], action: 'home', description: 'back to the home feed', screens: 'all' },
  {
    keys: ['M'],
    action: 'moderation',
    description: 'moderation: reported content and held content',
    screens: 'all',
    moderators: true,
  },
  {
    keys: ['t'],
    action: 'modList',
    description: 'switch between the report queue and held content',
    screens: ['moderation'],
    hint: 'reports/held',
    moderators: true,
  },
  {
    keys: ['x'],
    action: 'modAct',
    description: 'act on the selected item (hide, sensitive, remove, suspend, dismiss, release), with a reason',
    screens: ['moderation'],
    hint: 'act',
    moderators: true,
  },
  { keys: ['r'], action: 'refresh', description: 'refresh, or retry what failed', screens: 'all', hint: 'refresh' },
  { keys: ['?'], action: 'help', description: 'this help (any key closes it)', screens: 'all', hint: 'help' },
  { keys: ['ctrl+c'], action: 'quit', description: 'quit', screens: 'all' },
];

/** The subset of Ink's `Key` that names keys; ink's own type is structurally compatible. */
export interface KeyFlags {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
}

/** The name of a key press as the keymap spells it, or null for keys the keymap cannot bind. */
export function keyName(input: string, key: KeyFlags): string | null {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.ctrl) return input.length === 1 ? `ctrl+${input}` : null;
  return input.length === 1 ? input : null;
}

/** The bindings a role has (omitted: every binding, as the docs list them). */
export function bindingsOf(role?: UserRole): Binding[] {
  return KEYMAP.filter((b) => !b.moderators || role === undefined || canModerate(role));
}

export function bindingsFor(screen: ScreenKind, role?: UserRole): Binding[] {
  return bindingsOf(role).filter((b) => b.screens === 'all' || b.screens.includes(screen));
}

export interface ResolvedKey {
  action: Action;
  /** For nextPhoto: -1 for left, +1 for right. */
  step: number;
}

/** The action a key press means on `screen`, or null when the key does nothing there. */
export function resolveKey(screen: ScreenKind, input: string, key: KeyFlags, role?: UserRole): ResolvedKey | null {
  const name = keyName(input, key);
  if (name === null) return null;
  const binding = bindingsFor(screen, role).find((b) => b.keys.includes(name));
  if (!binding) return null;
  return { action: binding.action, step: name === 'left' || name === 'up' || name === 'k' ? -1 : 1 };
}

const DISPLAY: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  enter: 'enter',
  esc: 'esc',
  'ctrl+c': 'ctrl-c',
};

/** How a key is written for people: `j/↓`. */
export function displayKeys(binding: Binding): string {
  return binding.keys.map((k) => DISPLAY[k] ?? k).join('/');
}

/** The footer line of a screen: its hinted keys, e.g. `j/↓ move · l like · ? help`. */
export function footerHints(screen: ScreenKind, role?: UserRole): string {
  // Help first: on a narrow terminal the end of the line is cut, and `?` leads to the rest.
  const hinted = bindingsFor(screen, role).filter((b) => b.hint !== undefined);
  return [...hinted.filter((b) => b.action === 'help'), ...hinted.filter((b) => b.action !== 'help')]
    .map((b) => `${b.keys.map((k) => DISPLAY[k] ?? k)[0]} ${b.hint}`)
    .join(' · ');
}

/** The key table of docs/cli.md, generated from the keymap; a test checks the docs still match. */
export function keyTableMarkdown(): string {
  const rows = KEYMAP.map(
    (b) =>
      `| \`${displayKeys(b)}\` | ${b.description} | ${b.screens === 'all' ? 'everywhere' : b.screens.join(', ')}${b.moderators ? ' (moderators and admins only)' : ''} |`,
  );
  return ['| key | does | where |', '| --- | --- | --- |', ...rows].join('\n');
}
