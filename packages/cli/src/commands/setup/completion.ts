import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../../completion/scripts.js';
import type { ActionFactory } from '../../command-action.js';

export function completionCommand(program: Command, action: ActionFactory): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish) for every command and option')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      `
Install:
  bash  source <(aperture completion bash)          # in ~/.bashrc
  zsh   source <(aperture completion zsh)           # in ~/.zshrc, after compinit
  fish  aperture completion fish > ~/.config/fish/completions/aperture.fish`,
    )
    .action((shell: Shell, options: object, command: Command) =>
      action(async (ctx) => {
        // Generated from the tree at run time, so commands added anywhere are always in it.
        let root = command;
        while (root.parent) root = root.parent;
        const script = completionScript(root, shell);
        ctx.out.data(script.trimEnd(), { shell, script });
      })(options, command),
    );
}
