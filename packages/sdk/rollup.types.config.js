// Bundles the SDK's declarations into one file with the server's router types inlined, so that
// a project that installs only @aperture/sdk gets real types (trpc issue #5004). Everything the
// SDK lists in `dependencies` stays an import; anything else would be a type its users lack.
import { readFileSync } from 'node:fs';
import { dts } from 'rollup-plugin-dts';

const { dependencies = {} } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(dependencies);

export default {
  input: 'dist/index.d.ts',
  output: { file: 'dist/bundle.d.ts', format: 'es' },
  external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
  plugins: [dts({ respectExternal: true, tsconfig: 'tsconfig.json' })],
};
