import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { CliError, UsageError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';
import { createProgressView, formatBytes } from '../../progress.js';

interface AvatarOptions {
  remove?: boolean;
}

export function avatarCommand(program: Command, action: ActionFactory): void {
  program
    .command('avatar')
    .description('upload an image and make it your avatar (public, shown 150×150), or remove it')
    .argument('[file]', 'a JPEG, PNG, WebP, AVIF or GIF image, 25 MiB at most')
    .option('--remove', 'remove your avatar')
    .action((file: string | undefined, options: AvatarOptions, command: Command) =>
      action<AvatarOptions>(async (ctx, opts) => {
        if (opts.remove && file !== undefined) throw new UsageError('avatar: give a file or --remove, not both.');
        if (opts.remove) {
          await ctx.authed((client) => client.accounts.setAvatar(null));
          ctx.out.data('Removed your avatar.', { mediaId: null, avatar: null });
          return;
        }
        if (file === undefined) throw new UsageError('avatar: give an image file, or --remove.');
        // Checked before signing in or sending anything, as `post` does.
        await access(file).catch(() => {
          throw new CliError(`${file}: no such file (nothing was sent).`);
        });
        const name = basename(file);
        const result = await ctx.authed(async (client) => {
          const view = ctx.out.quiet ? { update() {}, end() {} } : createProgressView(ctx.io.stderr, name);
          let sent = 0;
          const media = await client.media
            .upload(file, {
              onProgress: (progress) => {
                sent = progress.sentBytes;
                view.update(progress);
              },
            })
            .finally(() => view.end());
          // Off a terminal there is no bar: one line says what went up, as `upload` does.
          if (!(ctx.io.stderr as NodeJS.WriteStream).isTTY) {
            ctx.out.info(`${name}: ${sent === 0 ? 'already uploaded' : `${formatBytes(sent)} sent`}, ready`);
          }
          const { avatar } = await client.accounts.setAvatar(media.id);
          return { mediaId: media.id, avatar };
        });
        ctx.out.data(`Your avatar is now ${name} (media ${result.mediaId}): ${result.avatar?.jpg ?? ''}`, result);
      })(options, command),
    );
}
