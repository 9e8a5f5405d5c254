// Bundles the SDK's declarations into dist/bundle.d.ts with the server's router types inlined, so
// that a project which installs only @aperture/sdk gets real types (trpc issue #5004).
//
// Only the server's own declaration files are read. Every other package is external: most of what
// the server imports (fastify, kysely, the AWS SDK…) is unreachable from the SDK's exports and is
// tree-shaken away. Whatever external import survives must be one of the SDK's dependencies, or
// the build fails: users would not have it.
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { URL } from 'node:url';
import { dts } from 'rollup-plugin-dts';
import ts from 'typescript';

const { dependencies = {} } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const allowed = Object.keys(dependencies);
const packageOf = (id) =>
  id
    .split('/')
    .slice(0, id.startsWith('@') ? 2 : 1)
    .join('/');
const isServerFile = (id) => /[/\\](@aperture[/\\]server|packages[/\\]server)[/\\]dist[/\\].*\.d\.ts$/.test(id);

/**
 * `type AppRouter = ReturnType<typeof createAppRouter>` keeps `createAppRouter`'s declaration, and
 * with it the types of its parameters (the services, hence Kysely and zod). A return type does not
 * depend on parameters, so functions used only that way lose them all: `createAppRouter()`.
 * (Not `(...args: never[])`: `ReturnType` of that is `any`.)
 */
/** @type {import('rollup').Plugin} */
const dropParametersOfReturnTypeOnlyFunctions = {
  name: 'drop-parameters-of-return-type-only-functions',
  transform(code, id) {
    if (!isServerFile(id)) return null;
    const file = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true);
    const returnTypeOnly = new Set();
    const visit = (node) => {
      if (
        ts.isTypeReferenceNode(node) &&
        ts.isIdentifier(node.typeName) &&
        node.typeName.text === 'ReturnType' &&
        node.typeArguments?.[0] &&
        ts.isTypeQueryNode(node.typeArguments[0]) &&
        ts.isIdentifier(node.typeArguments[0].exprName)
      ) {
        returnTypeOnly.add(node.typeArguments[0].exprName.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    const edits = file.statements
      .filter(
        (s) => ts.isFunctionDeclaration(s) && s.name && returnTypeOnly.has(s.name.text) && s.parameters.length > 0,
      )
      .map((s) => ({ start: s.parameters.pos, end: s.parameters.end }))
      .sort((a, b) => b.start - a.start);
    if (edits.length === 0) return null;
    let out = code;
    for (const { start, end } of edits) out = `${out.slice(0, start)}${out.slice(end)}`;
    return { code: out, map: null };
  },
};

/** @type {import('rollup').Plugin} */
const onlyDependenciesRemain = {
  name: 'only-dependencies-remain',
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      const stray = chunk.imports.filter((id) => !allowed.includes(packageOf(id)));
      if (stray.length > 0) {
        this.error(
          `${chunk.fileName} imports ${stray.join(', ')}, which @aperture/sdk does not depend on. ` +
            'Keep those types out of the router type, or add the package to the SDK dependencies.',
        );
      }
    }
  },
};

export default {
  input: 'dist/index.d.ts',
  output: { file: 'dist/bundle.d.ts', format: 'es' },
  external: (id) => !id.startsWith('.') && !isAbsolute(id) && packageOf(id) !== '@aperture/server',
  plugins: [
    dropParametersOfReturnTypeOnlyFunctions,
    dts({ respectExternal: true, tsconfig: 'tsconfig.json' }),
    onlyDependenciesRemain,
  ],
};
