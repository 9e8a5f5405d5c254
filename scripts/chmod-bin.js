// tsc writes files 0644; the `aperture` bin must be executable for npm's bin link (npx aperture).
import { chmodSync } from 'node:fs';

chmodSync(new URL('../packages/cli/dist/bin.js', import.meta.url), 0o755);
