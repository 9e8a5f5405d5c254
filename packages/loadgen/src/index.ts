/**
 * @aperture/loadgen — the open-model load generator that checks a deployment against the design
 * notes' capacity estimates. The engine, scenarios and `aperture loadgen` commands arrive with
 * their own issue; this package reserves the name and the place in the build.
 */
export const LOADGEN_VERSION = '0.1.0';
