import { defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** Vitest config that resolves workspace packages to their TypeScript sources (the `source` export condition). */
export function sourceConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ['source', ...defaultServerConditions] },
    ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
    test: { testTimeout: 30_000, hookTimeout: 120_000, ...overrides },
  });
}
