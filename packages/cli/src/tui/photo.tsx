import { useEffect, useState } from 'react';
import { Box, Text, Transform } from 'ink';
import type { PostMediaView } from '@aperture/sdk';
import { fitImage, pickDerivative, renderImage, renderPlaceholder } from '../images/index.js';
import { useTuiState } from './context/state.js';
import { COVER_LABEL, COVER_LABEL_SHORT } from './sensitive.js';

interface Drawn {
  lines: string[];
  columns: number;
  rows: number;
}

// Drawn photos by URL and box, so that moving back to a post shows it at once instead of
// flashing its placeholder again. Bounded: a long session must not keep every photo it saw.
const drawn = new Map<string, Drawn>();
const MAX_DRAWN = 200;

/**
 * A post photo, as large as fits in maxColumns × maxRows cells: its ThumbHash placeholder at once,
 * the picture when its bytes (from the disk cache or the server) are decoded. Never blocks.
 * `covered` (a sensitive post): only the placeholder, blurred to colours, with a label saying how
 * to see it; the picture is not even fetched.
 */
export function Photo({
  media,
  maxColumns,
  maxRows,
  covered = false,
}: {
  media: PostMediaView;
  maxColumns: number;
  maxRows: number;
  covered?: boolean;
}) {
  const { images } = useTuiState();
  const { support } = images;
  const columns = Math.max(1, Math.floor(maxColumns));
  const rows = Math.max(1, Math.floor(maxRows));
  const url = support.protocol === 'none' || covered ? null : derivative(media, columns, support);
  const key = `${url ?? media.id}|${columns}x${rows}|${support.protocol}|${support.color}`;
  const [image, setImage] = useState<Drawn | null>(() => drawn.get(key) ?? null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const cached = drawn.get(key);
    setImage(cached ?? null);
    setFailed(false);
    if (cached || url === null) return undefined;
    let live = true;
    images.cache
      .get(url)
      .then((bytes) => renderImage(bytes, { maxColumns: columns, maxRows: rows, support }))
      .then(
        (result) => {
          if (drawn.size >= MAX_DRAWN) drawn.delete(drawn.keys().next().value ?? '');
          drawn.set(key, result);
          if (live) setImage(result);
        },
        () => {
          if (live) setFailed(true);
        },
      );
    return () => {
      live = false;
    };
  }, [key, url, columns, rows, support, images.cache]);

  if (support.protocol === 'none') {
    const what = media.kind === 'video' ? 'video' : 'photo';
    const text = covered ? `[${COVER_LABEL}]` : `[${what} ${media.width ?? '?'}×${media.height ?? '?'}]`;
    return <Text dimColor>{text.slice(0, columns)}</Text>;
  }
  const box = media.width && media.height ? fitImage(media.width, media.height, columns, rows) : { columns, rows };
  const shown = covered
    ? labelled(renderPlaceholder(media.thumbhash, media.dominantColor, { ...box, support, blur: true }))
    : (image ?? renderPlaceholder(media.thumbhash, media.dominantColor, { ...box, support }));
  // Ink keeps only colour escapes inside <Text>: kitty's and iTerm2's image sequences would be
  // stripped. So lay out blank text of the image's size and swap each line for the drawn one in a
  // <Transform>, whose output Ink writes as it is (test/images/ink-layout.test.ts).
  const blank = shown.lines.map(() => ' '.repeat(shown.columns)).join('\n');
  return (
    <Box flexDirection="column" width={Math.max(shown.columns, 1)} height={shown.rows + (failed ? 1 : 0)}>
      <Box width={Math.max(shown.columns, 1)} height={shown.rows}>
        <Transform transform={(_line: string, index: number) => shown.lines[index] ?? ''}>
          <Text>{blank}</Text>
        </Transform>
      </Box>
      {failed ? <Text color="red">photo failed to load</Text> : null}
    </Box>
  );
}

/** A covered photo: its middle row says it is sensitive and which key shows it. */
function labelled(cover: Drawn): Drawn {
  const label = cover.columns >= COVER_LABEL.length + 2 ? COVER_LABEL : COVER_LABEL_SHORT;
  const text = label.slice(0, cover.columns);
  const left = Math.floor((cover.columns - text.length) / 2);
  const line = `${' '.repeat(left)}${text}${' '.repeat(cover.columns - left - text.length)}`;
  const middle = Math.floor(cover.lines.length / 2);
  return { ...cover, lines: cover.lines.map((row, index) => (index === middle ? `\u001b[1m${line}\u001b[0m` : row)) };
}

/** The URL to draw, or null while the photo has no derivative yet (the placeholder stays). */
function derivative(
  media: PostMediaView,
  columns: number,
  support: Parameters<typeof pickDerivative>[2],
): string | null {
  try {
    return pickDerivative(media, columns, support);
  } catch {
    return null;
  }
}
