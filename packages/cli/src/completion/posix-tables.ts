import { allNodes, quote, summary, type CompletionOption, type CompletionTree } from './model.js';

/**
 * The lookup functions the bash and zsh scripts share, as `case` statements over the command
 * path (`''`, `'admin'`, `'admin events'`). With `described`, names come as `name:description`
 * lines, the form zsh's `_describe` takes.
 */
export function posixTables(tree: CompletionTree, prefix: string, described: boolean): string {
  const nodes = allNodes(tree);
  const item = (name: string, description: string) =>
    quote(described ? `${name.replace(/:/g, '\\:')}:${summary(description)}` : name);
  const optionsOf = (options: CompletionOption[]) =>
    options.flatMap((o) => o.names.map((name) => item(name, o.description)));
  const withValue = (options: CompletionOption[]) => options.filter((o) => o.takesValue);
  const lines: string[] = [];
  const fn = (name: string, body: string[]) => lines.push(`${prefix}_${name}() {`, ...body, '}', '');
  const cases = (entries: [pattern: string, action: string][], fallback: string) => [
    '  case "$1" in',
    ...entries.map(([pattern, action]) => `    ${pattern}) ${action} ;;`),
    `    *) ${fallback} ;;`,
    '  esac',
  ];
  const print = (words: string[]) => (words.length === 0 ? 'return 0' : `printf '%s\\n' ${words.join(' ')}`);

  fn(
    'children',
    cases(
      nodes
        .filter((n) => n.subcommands.length > 0)
        .map((n) => [
          quote(n.path.join(' ')),
          print(n.subcommands.map((s) => item(s.path.at(-1) ?? '', s.description))),
        ]),
      'return 0',
    ),
  );
  fn(
    'options',
    cases(
      nodes.map((n) => [quote(n.path.join(' ')), print(optionsOf([...n.options, ...tree.global]))]),
      print(optionsOf(tree.global)),
    ),
  );
  fn(
    'args',
    cases(
      nodes
        .filter((n) => n.argChoices.length > 0)
        .map((n) => [quote(n.path.join(' ')), print(n.argChoices.map((c) => quote(c)))]),
      'return 0',
    ),
  );
  // "$1|$2": the command path and an option; the root's options apply after any command.
  const pairs = [
    ...nodes.flatMap((n) =>
      withValue(n.options).flatMap((o) =>
        o.names.map((name) => ({ pattern: quote(`${n.path.join(' ')}|${name}`), option: o })),
      ),
    ),
    ...withValue(tree.global).flatMap((o) => o.names.map((name) => ({ pattern: `*${quote(`|${name}`)}`, option: o }))),
  ];
  fn('takes_value', [
    '  case "$1|$2" in',
    ...pairs.map((p) => `    ${p.pattern}) return 0 ;;`),
    '  esac',
    '  return 1',
  ]);
  fn('values', [
    '  case "$1|$2" in',
    ...pairs
      .filter((p) => p.option.choices.length > 0)
      .map((p) => `    ${p.pattern}) ${print(p.option.choices.map((c) => quote(c)))} ;;`),
    '  esac',
  ]);
  return lines.join('\n');
}
