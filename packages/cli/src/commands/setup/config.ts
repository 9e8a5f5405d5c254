import type { Command } from 'commander';
import { COLOR_MODES, DEFAULT_PROFILE, IMAGE_MODES, type CliConfig } from '../../config-file.js';
import { normalizeServerUrl, type CliContext } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';

/** The keys `config get` and `config set` take; commander rejects any other with exit 2 and this list. */
export const CONFIG_KEYS = ['server', 'current-profile', 'images', 'color'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** `aperture config get|set|list`: the settings and profiles in config.json, never printing a token. */
export function configCommand(program: Command, action: ActionFactory): void {
  const config = program
    .command('config')
    .description('show and change settings: server, current-profile, images, color');
  config
    .command('get')
    .description('print one setting (server is that of the selected profile)')
    .argument('<key>', `one of ${CONFIG_KEYS.join(', ')}`)
    .action((key: string, options: object, command: Command) =>
      action(async (ctx) => {
        const value = settingOf(ctx, await ctx.store.read(), key as ConfigKey);
        ctx.out.data(value, { key, value });
      })(options, command),
    );
  config
    .command('set')
    .description('change one setting (server changes the selected profile; signing in again is needed)')
    .argument('<key>', `one of ${CONFIG_KEYS.join(', ')}`)
    .argument('<value>', 'the new value')
    .action((key: string, value: string, options: object, command: Command) =>
      action((ctx) => setSetting(ctx, key as ConfigKey, value))(options, command),
    );
  config
    .command('list')
    .description('print every setting and profile (tokens show as "(set)")')
    .action(action(listSettings));
  // Commander checks the key before the action runs, so a wrong one exits 2 naming the choices.
  for (const sub of config.commands) sub.registeredArguments[0]?.choices(CONFIG_KEYS);
}

function settingOf(ctx: CliContext, config: CliConfig, key: ConfigKey): string {
  switch (key) {
    case 'server':
      return ctx.server;
    case 'current-profile':
      return config.currentProfile ?? DEFAULT_PROFILE;
    case 'images':
      return config.images ?? 'auto';
    case 'color':
      return config.color ?? 'auto';
  }
}

async function setSetting(ctx: CliContext, key: ConfigKey, raw: string): Promise<void> {
  const value = key === 'server' ? normalizeServerUrl(raw) : raw;
  await ctx.store.update((config) => {
    switch (key) {
      case 'server': {
        const entry = config.profiles[ctx.profile];
        if (entry?.server === value) return;
        // A token is only good on the server that issued it.
        config.profiles[ctx.profile] = { server: value };
        if (entry?.token !== undefined) ctx.out.info(`Signed out of profile ${ctx.profile}: it is on a new server.`);
        return;
      }
      case 'current-profile': {
        const names = Object.keys(config.profiles);
        if (!names.includes(value)) {
          throw new UsageError(
            names.length === 0
              ? `There are no profiles yet; create one with: aperture login --profile ${value} --username <you>`
              : `No profile "${value}"; profiles: ${names.join(', ')}.`,
          );
        }
        config.currentProfile = value;
        return;
      }
      case 'images':
        config.images = choice(key, IMAGE_MODES, value);
        return;
      case 'color':
        config.color = choice(key, COLOR_MODES, value);
        return;
    }
  });
  ctx.out.data(`${key} = ${value}`, { key, value });
}

function choice<T extends string>(key: string, choices: readonly T[], value: string): T {
  const found = choices.find((c) => c === value);
  if (found === undefined) throw new UsageError(`${key} must be one of ${choices.join(', ')} (got "${value}").`);
  return found;
}

async function listSettings(ctx: CliContext): Promise<void> {
  const config = await ctx.store.read();
  const settings = Object.fromEntries(CONFIG_KEYS.map((key) => [key, settingOf(ctx, config, key)]));
  const profiles = Object.fromEntries(
    Object.entries(config.profiles).map(([name, entry]) => [
      name,
      {
        server: entry.server,
        ...(entry.username === undefined ? {} : { username: entry.username }),
        ...(entry.token === undefined ? {} : { token: '(set)' }),
      },
    ]),
  );
  if (ctx.out.json) {
    ctx.out.data('', { ...settings, profiles });
    return;
  }
  // One key and value a line, profiles as dotted keys, so that a pipe reads like the terminal.
  const rows = [
    ...Object.entries(settings),
    ...Object.entries(profiles).flatMap(([name, fields]) =>
      Object.entries(fields).map(([field, value]) => [`profiles.${name}.${field}`, value]),
    ),
  ];
  ctx.out.data(ctx.out.table(['KEY', 'VALUE'], rows), null);
}
