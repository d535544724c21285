/**
 * `iqa distort`: writes a ranked dataset to disk. For every reference image of --refs, every type
 * of the set (or --types) at every level (or --levels), as lossless PNG under
 * OUT/<type>/<level>/<reference>.png, plus OUT/manifest.csv (file,reference,type,level).
 * Unreadable references are reported on stderr and skipped.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkLevel, getDistortion, getDistortionSet } from '../distortions/registry.js';
import { mixSeed } from '../distortions/rng.js';
import { listReferences } from '../dataset/references.js';
import { createTaskRunner } from '../dataset/worker-pool.js';
import type { ReferenceTask } from '../dataset/reference-task.js';

/** Streams the command writes to (the process's by default). */
export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

export const DISTORT_USAGE = `Usage: iqa distort --refs DIR --out DIR --set live|tid2013|wide [options]

Writes every reference of DIR distorted at every level, as PNG, with OUT/manifest.csv.

Options:
  --refs DIR        folder of reference images (jpg, png, webp, tif, avif, gif)
  --out DIR         output folder (OUT/<type>/<level>/<reference>.png)
  --set NAME        live (gblur, wn, jpeg, jp2k x 5 levels), tid2013 (17 types x 4 levels) or wide
                    (live's 4 and over-exposure, under-exposure, flatten x 5 levels)
  --types A,B       only these types of the set
  --levels 1,2      only these levels
  --seed N          seed of the random types (default 0)
  --crop N          cut one seeded random N x N crop per reference (same box for all versions)
  --workers N       worker threads (default: number of cores)
  --resume          keep references whose images all exist already
  -h, --help        this text
`;

/** Fowler-Noll-Vo hash of a name, so a reference's seed does not depend on the folder's other files. */
function nameHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/** A progress bar on a terminal, plain lines (every ~5%) otherwise. */
function progress(io: CommandIo, total: number): { tick(done: number, images: number): void; end(): void } {
  const t0 = performance.now();
  let lastLine = -1;
  const tty = io.stdout.isTTY === true;
  return {
    tick(done, images) {
      const secs = (performance.now() - t0) / 1000;
      const rate = images / Math.max(secs, 1e-3);
      const eta = done > 0 ? (secs / done) * (total - done) : Infinity;
      const text = `${done}/${total} references, ${images} images, ${rate.toFixed(1)} img/s, ETA ${formatSeconds(eta)}`;
      if (tty) {
        const width = 30;
        const fill = Math.round((done / Math.max(total, 1)) * width);
        io.stdout.write(`\r[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${text}   `);
      } else {
        const step = Math.max(1, Math.ceil(total / 20));
        if (done === total || Math.floor(done / step) !== lastLine) {
          lastLine = Math.floor(done / step);
          io.stdout.write(`distort: ${text}\n`);
        }
      }
    },
    end() {
      if (tty) io.stdout.write('\n');
    },
  };
}

function parseList(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

/**
 * Runs `iqa distort` with `argv` (the arguments after "distort"). Returns the exit code:
 * 0 done, 1 nothing could be written, 2 bad arguments.
 *
 * @example
 * const code = await distortCommand(['--refs', 'pristine', '--out', '/tmp/rank', '--set', 'live']);
 */
export async function distortCommand(
  argv: string[],
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let opts: Record<string, string | boolean | undefined> & { help?: boolean };
  try {
    opts = parseArgs({
      args: argv,
      options: {
        refs: { type: 'string' },
        out: { type: 'string' },
        set: { type: 'string' },
        types: { type: 'string' },
        levels: { type: 'string' },
        seed: { type: 'string' },
        crop: { type: 'string' },
        workers: { type: 'string' },
        resume: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.stderr.write(`iqa distort: ${(err as Error).message}\n\n${DISTORT_USAGE}`);
    return 2;
  }
  if (opts.help) {
    io.stdout.write(DISTORT_USAGE);
    return 0;
  }
  let plan: Plan;
  try {
    plan = validate(opts);
  } catch (err) {
    io.stderr.write(`iqa distort: ${(err as Error).message}\n`);
    return 2;
  }
  const { refsDir, outDir, types, levels, seed, crop, workers, resume } = plan;
  let refs: string[];
  try {
    refs = await listReferences(refsDir);
  } catch (err) {
    io.stderr.write(`iqa distort: ${(err as Error).message}\n`);
    return 1;
  }
  if (refs.length === 0) {
    io.stderr.write(`iqa distort: no images (${'.jpg, .png, ...'}) in ${refsDir}\n`);
    return 1;
  }
  await mkdir(outDir, { recursive: true });
  const levelsOf = (t: string): number[] => levels ?? getDistortion(t).values.map((_, i) => i + 1);
  // a.jpg -> a.png; when a.jpg and a.png both exist, a.jpg.png and a.png.png
  const stem = (ref: string): string => basename(ref, extname(ref));
  const stems = new Map<string, number>();
  for (const ref of refs) stems.set(stem(ref), (stems.get(stem(ref)) ?? 0) + 1);
  const fileOf = (ref: string, t: string, l: number): string =>
    join(t, String(l), `${stems.get(stem(ref))! > 1 ? basename(ref) : stem(ref)}.png`);
  const rows: string[][][] = refs.map(() => []); // per reference: its manifest rows
  const runner = createTaskRunner({ workers });
  const bar = progress(io, refs.length);
  let done = 0;
  let images = 0;
  let skipped = 0;
  let next = 0;

  const one = async (r: number): Promise<void> => {
    const ref = refs[r]!;
    const name = basename(ref);
    const files = types.flatMap((t) => levelsOf(t).map((l) => ({ t, l, file: fileOf(ref, t, l) })));
    const keep = resume && (await Promise.all(files.map((f) => exists(join(outDir, f.file))))).every(Boolean);
    if (!keep) {
      const refSeed = mixSeed(seed, nameHash(name));
      const task: ReferenceTask = {
        source: ref,
        encode: 'png',
        groups: types.map((t, k) => ({
          type: t,
          levels: levelsOf(t),
          seed: mixSeed(refSeed, k + 1),
          crop: crop ? { size: crop, seed: refSeed, flip: false } : undefined,
        })),
      };
      try {
        const result = await runner.run(task);
        let i = 0;
        for (const g of result.groups) {
          for (const data of g.images) {
            const f = files[i++]!;
            const path = join(outDir, f.file);
            await mkdir(dirname(path), { recursive: true });
            await writeFile(`${path}.tmp`, data);
            await rename(`${path}.tmp`, path); // never leave a half-written image behind
            images++;
          }
        }
      } catch (err) {
        skipped++;
        io.stderr.write(`${io.stdout.isTTY ? '\n' : ''}iqa distort: skipped ${name}: ${(err as Error).message}\n`);
        done++;
        bar.tick(done, images);
        return;
      }
    }
    rows[r] = files.map((f) => [f.file, name, f.t, String(f.l)]);
    done++;
    bar.tick(done, images);
  };
  const lanes = Math.max(1, runner.workers) * 2; // keep every worker fed
  try {
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < refs.length) await one(next++);
      }),
    );
  } finally {
    await runner.close();
    bar.end();
  }
  const lines = ['file,reference,type,level', ...rows.flat().map((row) => row.map(csvField).join(','))];
  await writeFile(join(outDir, 'manifest.csv'), `${lines.join('\n')}\n`);
  io.stdout.write(
    `iqa distort: ${refs.length - skipped} references x ${types.length} types -> ${lines.length - 1} images listed ` +
      `in ${join(outDir, 'manifest.csv')}${skipped ? `, ${skipped} skipped` : ''}\n`,
  );
  return refs.length - skipped > 0 ? 0 : 1;
}

interface Plan {
  refsDir: string;
  outDir: string;
  types: string[];
  levels: number[] | undefined;
  seed: number;
  crop: number | undefined;
  workers: number;
  resume: boolean;
}

function integer(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`Expected an integer >= ${min} for --${name} but received ${JSON.stringify(value)}`);
  return n;
}

function validate(o: Record<string, string | boolean | undefined>): Plan {
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const refsDir = str('refs');
  const outDir = str('out');
  const set = str('set');
  if (!refsDir) throw new TypeError('Expected a folder for --refs but received nothing');
  if (!outDir) throw new TypeError('Expected a folder for --out but received nothing');
  if (!set)
    throw new TypeError("Expected a distortion set (one of 'live', 'tid2013', 'wide') for --set but received nothing");
  const setTypes = getDistortionSet(set);
  const types = parseList(str('types')) ?? [...setTypes];
  for (const t of types) {
    if (!setTypes.includes(t))
      throw new RangeError(
        `Expected types of set '${set}' (one of ${setTypes.map((x) => `'${x}'`).join(', ')}) for --types but ` +
          `received ${JSON.stringify(t)}`,
      );
  }
  const levelList = parseList(str('levels'));
  const levels = levelList?.map((l) => Number(l));
  if (levels)
    for (const t of types)
      levels.forEach((l, i) => {
        checkLevel(getDistortion(t), Number.isInteger(l) ? l : levelList![i]);
      });
  return {
    refsDir,
    outDir,
    types,
    levels,
    seed: integer(str('seed'), 'seed', 0) ?? 0,
    crop: integer(str('crop'), 'crop', 1),
    workers: integer(str('workers'), 'workers', 0) ?? Math.max(1, availableParallelism()),
    resume: o.resume === true,
  };
}
