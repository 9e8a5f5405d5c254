// The import rules of the repository, checked by `npm run lint:deps` (dependency-cruiser).
//
// - No cycles in any package, type-only imports included: a cycle closed by `import type` still
//   means two files that cannot be read, moved or tested one without the other.
// - The server's layers point down: server.ts → http → api → services.ts → modules → events, db,
//   storage, config, errors → lib, ids (with the leaf files clock.ts, process-safety-net.ts). A
//   lower layer never imports a higher one; a contract both need lives in the lower one. Tests
//   may reach across layers.
// - So modules never import http/, api/, services.ts or server.ts: a module is logic that any
//   caller (a router, a worker, a CLI command) can use, and the wiring happens above it.
//

const SERVER = '^packages/server/src';
const TEST = '\\.test\\.tsx?$';

/**
 * The server's layers, lowest first; a file may import its own layer and every lower one. services.ts
 * wires the modules into the service set the api's router binds (api imports its type); server.ts,
 * ephemeral.ts and index.ts assemble everything and import whatever they need.
 */
const LAYERS = [
  { name: 'lib', paths: ['lib/', 'ids/', 'clock\\.ts$', 'process-safety-net\\.ts$'] },
  { name: 'infrastructure', paths: ['events/', 'db/', 'storage/', 'config/', 'errors/'] },
  { name: 'modules', paths: ['modules/'] },
  { name: 'services', paths: ['services\\.ts$'] },
  { name: 'api', paths: ['api/'] },
  { name: 'http', paths: ['http/'] },
  { name: 'entry', paths: ['server\\.ts$', 'ephemeral\\.ts$', 'index\\.ts$'] },
];

const under = (paths) => `${SERVER}/(${paths.join('|')})`;

/** One rule per layer: no file of it (tests aside) imports a layer above it. */
const layerRules = LAYERS.slice(0, -1).map((layer, index) => {
  const higher = LAYERS.slice(index + 1);
  return {
    name: `server-${layer.name}-imports-no-higher-layer`,
    comment:
      `packages/server/src ${layer.name} imports a higher layer (${higher.map((l) => l.name).join(', ')}): ` +
      'move the contract down, or the code up.',
    severity: 'error',
    from: { path: under(layer.paths), pathNot: TEST },
    to: { path: higher.map((l) => under(l.paths)) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'This import closes a cycle (type-only imports count): move the shared contract to a lower file.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
  ],
  options: {
    // Type-only imports are dependencies too: `import type` can close a cycle or point upward.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.tests.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
    },
  },
};
