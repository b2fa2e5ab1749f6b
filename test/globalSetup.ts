// Builds dist/ (CLI + SDK bundles) once before the integration tests spawn them.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/buildCli.mjs'], { stdio: 'inherit' });
}
