import { defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** Vitest config that resolves workspace packages to their TypeScript sources (the `source` export condition). */
export function sourceConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ['source', ...defaultServerConditions] },
    ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
    // Global setups load in Vitest's own `__vitest__` environment: the harness's imports of other
    // workspace packages (@authsvc/postgres-embedded) come from source there too, so no build first.
    environments: { __vitest__: { resolve: { conditions: ['source', ...defaultServerConditions] } } },
    test: { testTimeout: 30_000, hookTimeout: 120_000, ...overrides },
  });
}
