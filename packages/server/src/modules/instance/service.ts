import { MAX_COMMENT_LENGTH } from '../engagement/schemas.js';
import type { MediaSettings } from '../../config/media-settings.js';
import { MAX_CAPTION_LENGTH, MAX_POST_PHOTOS } from '../posts/schemas.js';
import type { TrendingSettings } from '../tags/trending.js';

/**
 * What a client may need to know about this server before it sends anything: the limits its input
 * is checked against (so a client can refuse an 11th photo or a 30 MB file without uploading the
 * other ten first) and the rule that makes a hashtag trend (so an empty list can be explained).
 */
export interface InstanceInfo {
  limits: {
    /** Photos one post carries at most. */
    photosPerPost: number;
    /** Bytes one uploaded photo may have at most (`APERTURE_MAX_UPLOAD_MB`). */
    uploadBytes: number;
    /** Bytes one uploaded video may have at most (`APERTURE_MAX_VIDEO_MB`). */
    videoBytes: number;
    /** Seconds one video may last at most (`APERTURE_MAX_VIDEO_SECONDS`). */
    videoSeconds: number;
    /** Caption length at most, after trimming, in UTF-16 code units (JavaScript's `length`). */
    captionLength: number;
    /** Comment length at most, counted like captions. */
    commentLength: number;
  };
  trending: {
    /** Distinct accounts that must use a hashtag in public posts within the window. */
    minAuthors: number;
    /** The recent window, in hours. */
    windowHours: number;
  };
}

export interface InstanceServiceDeps {
  mediaSettings: Pick<MediaSettings, 'maxBytes' | 'maxVideoBytes' | 'maxVideoSeconds'>;
  trending: Pick<TrendingSettings, 'minAuthors' | 'windowHours'>;
}

export class InstanceService {
  readonly #info: InstanceInfo;

  constructor(deps: InstanceServiceDeps) {
    this.#info = {
      limits: {
        photosPerPost: MAX_POST_PHOTOS,
        uploadBytes: deps.mediaSettings.maxBytes,
        videoBytes: deps.mediaSettings.maxVideoBytes,
        videoSeconds: deps.mediaSettings.maxVideoSeconds,
        captionLength: MAX_CAPTION_LENGTH,
        commentLength: MAX_COMMENT_LENGTH,
      },
      trending: { minAuthors: deps.trending.minAuthors, windowHours: deps.trending.windowHours },
    };
  }

  /** The same answer for everyone, signed in or not: nothing in it is about a user. */
  info(): InstanceInfo {
    return this.#info;
  }
}
