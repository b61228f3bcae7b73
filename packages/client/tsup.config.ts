import { isAbsolute } from 'node:path';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import { defineConfig } from 'tsup';

// The workspace packages (contracts at run time; api-router, domain and contracts in the types) are
// never published, so they are bundled into dist: the packed client installs from the registry alone.
const workspacePackage = /^@authsvc\//;

/**
 * Bundles tsc's declarations (dist/types, from the `build` script) into dist/index.d.ts, with the
 * workspace packages' types inlined from their built declarations and the registry packages' imported.
 */
async function bundleDeclarations(): Promise<void> {
  const bundle = await rollup({
    input: 'dist/types/index.d.ts',
    // Anything that is neither ours nor a workspace package comes from the registry (@trpc/*, zod).
    external: (id) => !id.startsWith('.') && !isAbsolute(id) && !workspacePackage.test(id),
    // respectExternal follows imports into workspace packages instead of leaving them to the consumer.
    plugins: [dts({ respectExternal: true, tsconfig: 'tsconfig.build.json' })],
  });
  await bundle.write({ file: 'dist/index.d.ts', format: 'es' });
  await bundle.close();
}

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  // dist/types is tsc's, written just before.
  clean: false,
  noExternal: [workspacePackage],
  // Reads the workspace packages' TypeScript sources, so packing needs no other package built first.
  esbuildOptions(options) {
    options.conditions = ['source'];
  },
  onSuccess: bundleDeclarations,
});
