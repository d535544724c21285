import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { glob } from 'glob';

/** File extensions picked up from folders and globs (explicit files are always kept). */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.avif',
  '.gif',
  '.tif',
  '.tiff',
  '.heic',
  '.heif',
]);

const isImageName = (name: string) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

async function listFolder(dir: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...(await listFolder(path, true)));
    } else if (isImageName(e.name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * Expands the `iqa score` arguments: files stay as given, folders list their images (sorted;
 * sub-folders with `recursive`), globs expand. A path that matches nothing is kept, so it is
 * reported as a failure for that file.
 *
 * @example
 * await expandInputs(['photos/', '*.png'], { recursive: true });
 */
export async function expandInputs(args: string[], opts: { recursive: boolean }): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const s = await stat(arg).catch(() => undefined);
    if (s?.isDirectory()) out.push(...(await listFolder(arg, opts.recursive)));
    else if (s || !/[*?[\]{}]/.test(arg)) out.push(arg);
    else {
      const matches = (await glob(arg, { nodir: true })).filter(isImageName).sort();
      out.push(...(matches.length > 0 ? matches : [arg]));
    }
  }
  return out;
}
