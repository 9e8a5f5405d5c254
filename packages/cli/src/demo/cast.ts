/** Who lives in the demo world and what they post. */
export interface DemoPerson {
  username: string;
  displayName: string;
  bio: string;
  isPrivate?: boolean;
  /** Each post: its caption and how many photos it has. */
  posts: { caption: string; photos: number }[];
}

/** The account `aperture demo` signs in as. */
export const DEMO_USER = 'demo';
/** Followed by everyone, so that their posts take the celebrity path of the feed. */
export const CELEBRITY = 'nova';
/** A private account: the demo user has asked to follow it, and its posts are followers-only. */
export const PRIVATE = 'quinn';

export const CAST: DemoPerson[] = [
  {
    username: DEMO_USER,
    displayName: 'Demo',
    bio: 'Trying out Aperture.',
    posts: [{ caption: 'My first photo here #hello', photos: 1 }],
  },
  {
    username: CELEBRITY,
    displayName: 'Nova Reyes',
    bio: 'Light chaser. Everyone follows me, apparently.',
    posts: [
      { caption: 'Golden hour over the bay #sunset #harbour', photos: 3 },
      { caption: 'Back in the studio #film', photos: 1 },
    ],
  },
  {
    username: 'ada',
    displayName: 'Ada',
    bio: 'Engines and evenings.',
    posts: [{ caption: 'Analytical skies #sunset', photos: 1 }],
  },
  {
    username: 'grace',
    displayName: 'Grace',
    bio: 'Debugging the ocean.',
    posts: [{ caption: 'Harbour lights #harbour #night', photos: 2 }],
  },
  {
    username: 'linus',
    displayName: 'Linus',
    bio: 'Penguins, mostly.',
    posts: [{ caption: 'Cold morning walk #winter', photos: 1 }],
  },
  {
    username: 'margaret',
    displayName: 'Margaret',
    bio: 'To the moon.',
    posts: [{ caption: 'Launch day colours #space', photos: 1 }],
  },
  {
    username: 'alan',
    displayName: 'Alan',
    bio: 'Patterns everywhere.',
    posts: [{ caption: 'Spirals in the garden #macro', photos: 1 }],
  },
  {
    username: 'hedy',
    displayName: 'Hedy',
    bio: 'Frequency hopping.',
    posts: [{ caption: 'City glow #city #night', photos: 1 }],
  },
  {
    username: 'katherine',
    displayName: 'Katherine',
    bio: 'Counting stars.',
    posts: [{ caption: 'Orbit of the evening #space #sunset', photos: 1 }],
  },
  {
    username: 'tim',
    displayName: 'Tim',
    bio: 'Hypertext and sea air.',
    posts: [{ caption: 'Links between islands #harbour', photos: 1 }],
  },
  {
    username: 'barbara',
    displayName: 'Barbara',
    bio: 'Abstract data, concrete beaches.',
    posts: [{ caption: 'Shapes of the tide #film', photos: 1 }],
  },
  {
    username: PRIVATE,
    displayName: 'Quinn',
    bio: 'Private account: followers only.',
    isPrivate: true,
    posts: [{ caption: 'For my followers only #secret', photos: 1 }],
  },
];

export const COMMENTS = ['Stunning light!', 'Where is this?', 'Love the colours.', 'Wow.', 'Framed perfectly.'];
export const REPLIES = ['Thank you!', 'Near the old pier.', 'Glad you like it.'];
