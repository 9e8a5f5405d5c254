import type { Command } from 'commander';

/**
 * The program tree as completion scripts need it, read from commander itself (through its public
 * Help API, which also knows the implicit `help` command and `--help`), so that the scripts list
 * exactly the commands and options the binary accepts and never go stale.
 */
export interface CompletionNode {
  /** Subcommand names from the root: `[]` for `aperture`, `['admin', 'events']`. */
  path: string[];
  description: string;
  subcommands: CompletionNode[];
  /** This command's own options; `global` holds the root's, accepted after any command. */
  options: CompletionOption[];
  /** The allowed values of the first argument (`completion <shell>`), if it has a fixed set. */
  argChoices: string[];
}

export interface CompletionOption {
  /** `-p` and `--port`; long names without a value part. */
  names: string[];
  takesValue: boolean;
  choices: string[];
  description: string;
}

export interface CompletionTree {
  name: string;
  root: CompletionNode;
  global: CompletionOption[];
}

export function completionTree(program: Command): CompletionTree {
  const root = node(program, []);
  // --help and --version belong to the root alone (every subcommand lists its own --help).
  const rootOnly = (o: CompletionOption) => o.names.some((n) => n === '--help' || n === '--version');
  return {
    name: program.name(),
    root: { ...root, options: root.options.filter(rootOnly) },
    global: root.options.filter((o) => !rootOnly(o)),
  };
}

function node(command: Command, path: string[]): CompletionNode {
  const help = command.createHelp();
  return {
    path,
    description: command.description(),
    subcommands: help.visibleCommands(command).map((sub) => node(sub, [...path, sub.name()])),
    options: help.visibleOptions(command).map((option) => ({
      names: [option.short, option.long].filter((name): name is string => name !== undefined),
      takesValue: option.required || option.optional,
      choices: option.argChoices ?? [],
      description: option.description,
    })),
    argChoices: command.registeredArguments[0]?.argChoices ?? [],
  };
}

/** Every node, the root first, parents before their children. */
export function allNodes(tree: CompletionTree): CompletionNode[] {
  const out: CompletionNode[] = [];
  const walk = (n: CompletionNode) => {
    out.push(n);
    n.subcommands.forEach(walk);
  };
  walk(tree.root);
  return out;
}

/** A word in single quotes for sh, bash, zsh and fish alike (fish escapes `'` as `\'`). */
export function quote(text: string, shell: 'posix' | 'fish' = 'posix'): string {
  if (shell === 'fish') return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** One line of help text: the first sentence-ish part, no newlines. */
export function summary(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
