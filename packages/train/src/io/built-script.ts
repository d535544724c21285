/**
 * A script built next to a module (`dist/...`), for worker threads and helper processes: only
 * there when the package runs from its build, not from TypeScript sources (tests bundle their own).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `relative` resolved against `base` (a module's `import.meta.url`), if that file exists. */
export function builtScript(relative: string, base: string): URL | undefined {
  const url = new URL(relative, base);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}
