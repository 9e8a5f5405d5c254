import { Option, type Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { IMAGE_PROTOCOLS } from '../../images/detect.js';
import { exitSoonIfStuck, openBrowser, requireTerminal, type ImageFlags } from './open-browser.js';

/** `aperture browse`: the full-screen app, signed in as the profile's account. */
export function browseCommand(program: Command, action: ActionFactory): void {
  program
    .command('browse')
    .description('browse your feed, profiles and notifications in the terminal (? in the app lists the keys)')
    .addOption(
      new Option('--images <mode>', 'how photos are drawn (default: APERTURE_IMAGES, else detected)').choices(
        IMAGE_PROTOCOLS,
      ),
    )
    .action(
      action<ImageFlags>(async (ctx, flags) => {
        // Signed out, a terminal would not help: say what would first.
        if (!(await ctx.credentials())) throw ctx.notSignedIn();
        requireTerminal(ctx, 'browse');
        await ctx.authed((client) => openBrowser(ctx, client, flags));
        exitSoonIfStuck();
      }),
    );
}
