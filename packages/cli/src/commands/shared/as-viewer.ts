import type { ApertureClient } from '@aperture/sdk';
import type { ServerEntry } from '../../config-store.js';
import type { CliContext } from '../../context.js';

/**
 * Runs `call` signed in when a token is stored for the server (so the answer is what you may
 * see), else signed out: reading profiles, posts and comments needs no account.
 */
export async function asViewer<T>(
  ctx: CliContext,
  call: (client: ApertureClient, entry?: ServerEntry) => Promise<T>,
): Promise<T> {
  if (await ctx.credentials()) return ctx.authed(call);
  return call(ctx.client());
}
