import type { Scenario } from '../scenario-types.js';

/**
 * "Social Networks System Design (Instagram Case Study)": no users or storage, but the hashtag
 * service's write load (every published post's tags written by a queue consumer) and the event
 * bus's retention.
 */
export const INSTAGRAM_HASHTAGS_2M_POSTS: Scenario = {
  id: 'instagram-hashtags-2m-posts',
  aliases: [],
  title: 'Instagram case study: hashtag writes of 2M posts a day',
  source: 'Social Networks System Design (Instagram Case Study)',
  assumptions: {
    peakFactor: 2,
    hashtagsPerPost: 8,
    eventRetentionDays: 14,
  },
  assumptionLines: { hashtagsPerPost: 93, eventRetentionDays: 107 },
  targets: { uploadP99Ms: 5_000 },
  notes: [
    'The note sizes no users, feed traffic or storage: its 2M posts/day are taken as given, and the plan has no feed, storage or bandwidth figures (`check` measures uploads only).',
    'Each published post sends one event; the bus keeps it "~14 days", so the events retained are posts/day × 14.',
    'Tag writes are one row per hashtag of a post (photo_id, tag_id), as the note counts them; the tag counts it also keeps are updated in micro-batches, not per write.',
    'The note states no peak factor or latency target: 2× and 5 s per upload are borrowed from the "Instagram / Photo Sharing" notes.',
    'Its "3 engineers → 14M users in 1 year" (line 21) is history, not a load: no figure uses it.',
  ],
  stated: {
    uploadsPerDay: { text: '2M posts/day', line: 93, value: 2e6 },
    tagWritesPerDay: { text: '2M posts/day × 8 tags/post = 16M writes/day', line: 93, value: 16e6 },
  },
  tableUnits: 'decimal',
};
