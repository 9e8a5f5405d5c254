import { useState } from 'react';
import { Box, Text } from 'ink';
import type { PostVisibility, PublishProgress } from '@aperture/sdk';
import { useTuiState } from '../context/state.js';
import { useTuiActions } from '../context/actions.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { describeError } from '../describe-error.js';
import { mediaCount } from '../../media-words.js';
import type { ScreenProps } from './screen-props.js';

type Field = 'files' | 'caption' | 'visibility' | 'publish';
const FIELDS: Field[] = ['files', 'caption', 'visibility', 'publish'];

interface FileProgress {
  phase: PublishProgress['phase'] | 'waiting';
  /** Uploading: of the bytes sent; processing: how far the server is with a video (null for a photo). */
  percent: number | null;
}

/** `uploading 40%`, `processing 12%` (a video being transcoded), `done`. */
function progressWords(p: FileProgress): string {
  const percent = (p.phase === 'uploading' || p.phase === 'processing') && p.percent !== null ? ` ${p.percent}%` : '';
  return `${p.phase}${percent}`;
}

function fileProgress(p: PublishProgress): FileProgress {
  if (p.phase === 'processing') return { phase: p.phase, percent: p.processedPercent };
  return { phase: p.phase, percent: p.totalBytes > 0 ? Math.round((100 * p.sentBytes) / p.totalBytes) : 0 };
}

/** Splits `a.jpg "b c.jpg"` into paths; quotes keep spaces. */
export function splitPaths(text: string): string[] {
  return [...text.matchAll(/"([^"]+)"|'([^']+)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '').filter(Boolean);
}

/** A new post: file paths, caption, visibility; enter on Publish uploads with progress per file. */
export function ComposeScreen({ active, width, height }: ScreenProps) {
  const { client } = useTuiState();
  const { ask, changes, flash, open } = useTuiActions();
  const [files, setFiles] = useState<string[]>([]);
  const [caption, setCaption] = useState('');
  const [visibility, setVisibility] = useState<PostVisibility>('public');
  const [selected, setSelected] = useState(0);
  const [progress, setProgress] = useState<FileProgress[] | null>(null);
  const [outcome, setOutcome] = useState<{ error: string } | { postId: string } | null>(null);
  const busy = progress !== null && outcome === null;

  const publish = () => {
    if (files.length === 0) {
      flash('Add at least one file first (enter on Files).');
      return;
    }
    setOutcome(null);
    setProgress(files.map(() => ({ phase: 'waiting', percent: 0 })));
    client.posts
      .publish(files, {
        caption,
        visibility,
        onProgress: (p) => setProgress((old) => (old ?? []).map((f, i) => (i === p.file ? fileProgress(p) : f))),
      })
      .then(
        (post) => {
          setOutcome({ postId: post.id });
          changes.emit({ kind: 'published', post });
          flash(`Posted (${mediaCount(post.media)}).`);
          open({ kind: 'post', postId: post.id });
        },
        (error: unknown) => setOutcome({ error: describeError(error) }),
      );
  };

  useScreenKeys('compose', active, ({ action, step }) => {
    if (busy) return;
    const field = FIELDS[selected];
    if (action === 'down' || action === 'up') setSelected((s) => Math.max(0, Math.min(s + step, FIELDS.length - 1)));
    else if (action === 'refresh' && outcome && 'error' in outcome) publish();
    else if (action === 'open' && field === 'files')
      ask({
        label: 'Files (paths, space-separated)',
        initial: files.join(' '),
        onSubmit: (v) => setFiles(splitPaths(v)),
      });
    else if (action === 'open' && field === 'caption')
      ask({ label: 'Caption', initial: caption, onSubmit: setCaption });
    else if (action === 'open' && field === 'visibility')
      setVisibility((v) => (v === 'public' ? 'followers' : 'public'));
    else if (action === 'open' && field === 'publish') publish();
  });

  const row = (index: number, label: string, value: string) => (
    <Text key={label} inverse={selected === index} wrap="truncate-end">
      {`${selected === index ? '›' : ' '} ${label.padEnd(11)} ${value}`}
    </Text>
  );
  return (
    <Box flexDirection="column" width={width} height={height}>
      {row(0, 'Files', files.length > 0 ? files.join('  ') : '(enter to add paths)')}
      {row(1, 'Caption', caption || '(enter to write one)')}
      {row(
        2,
        'Visibility',
        visibility === 'public' ? 'public (enter: followers only)' : 'followers only (enter: public)',
      )}
      {row(3, 'Publish', busy ? 'publishing…' : 'enter to post')}
      {(progress ?? []).map((p, i) => (
        <Text key={i} wrap="truncate-end">{`  ${files[i] ?? ''}: ${progressWords(p)}`}</Text>
      ))}
      {outcome && 'error' in outcome ? <Text color="red">{`Not posted: ${outcome.error} — r retries`}</Text> : null}
    </Box>
  );
}
