#!/usr/bin/env node
// The `aperture` executable. A committed file (not the build output) so that npm can link the bin
// when a fresh clone installs, before `prepare` has built dist/.
import '../dist/bin.js';
