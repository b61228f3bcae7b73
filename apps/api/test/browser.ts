import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

// Debian's chromium, never a downloaded build: nothing may be fetched from outside the registries.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Debian's headless chromium for a browser test. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Where browser tests leave their screenshots, for a person to look at. */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
