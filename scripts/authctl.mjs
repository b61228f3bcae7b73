#!/usr/bin/env node
// @ts-check
// A bin rather than a root script, so `pnpm authctl` runs it without pnpm's "> authsvc@ authctl"
// banner on stdout: the CLI's stdout is its output alone, fit for `jq`.
import { launch } from './launch.mjs';

launch('authctl', process.argv.slice(2));
