import { fileURLToPath } from 'node:url';

/** The clone these tests run in. */
export const root = fileURLToPath(new URL('../..', import.meta.url));
