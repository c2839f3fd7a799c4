#!/usr/bin/env node
// The installed `coherence` command. It lives outside dist/ so that the file exists when a fresh clone's
// install links bins, before `prepare` has built dist/cli.js.
import '../dist/cli.js';
