import { execFileSync } from 'node:child_process';
import { projectRoot } from '../../src/embedded/project-root';

/**
 * Builds `dist/` (the production entry points, run as child processes by some e2e tests) once per jest process:
 * test files share the process, and its environment, though not their module registries.
 */
export function buildDistOnce(): void {
  if (process.env.LETHE_TEST_DIST_BUILT === '1') return;
  const root = projectRoot();
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
  execFileSync(process.execPath, ['scripts/copy-assets.mjs'], { cwd: root, stdio: 'ignore' });
  process.env.LETHE_TEST_DIST_BUILT = '1';
}
