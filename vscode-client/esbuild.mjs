// Bundles the extension (out/extension.js) and, with --tests, the unit tests (out/test/*.test.js).
// --production minifies. No network access.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');

await build({
  entryPoints: ['src/extension.ts'],
  outfile: 'out/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18', // VS Code 1.82 ships node 18
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});

if (tests) {
  const entryPoints = readdirSync('src/test')
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `src/test/${f}`);
  await build({
    entryPoints,
    outdir: 'out/test',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: true,
    logLevel: 'warning',
  });
}
