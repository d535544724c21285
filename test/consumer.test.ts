/**
 * What a user installs works outside this repository (STYLE.md practice 13): every workspace package
 * is packed with `npm pack`, the tarballs are installed into a temporary project in the system's
 * temp folder (no workspace links; dependencies from npm's cache when it has them), and there
 * (a) `npx iqa score` scores images this test makes, (b) the README's Node example ("Use it in your
 * project") runs verbatim, (c) the README's web example runs verbatim in a Vite app with the
 * default model's package, in headless Chromium, and gives (b)'s score within 1e-4.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mulberry32 } from '@iqa-zoo/core';
import sharp from 'sharp';
import { startDemoServer } from '../packages/runtime-web/demo/server.mjs';
import { type Launched, launch, skipReason } from './browser/helpers/chromium.js';

const ROOT = resolve('.');

/** The fenced blocks of one language under a README heading, in order. */
function readmeBlocks(readme: string, heading: string, lang: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`Expected a "## ${heading}" section in README.md`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const [nodeExample, webExample] = readmeBlocks(readme, 'Use it in your project', 'js');

/** npm with the environment a user has: no workspace, onnxruntime-node's CUDA download skipped. */
function npm(args: string[], cwd: string): string {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  for (const key of Object.keys(env))
    if (key.startsWith('npm_package_') || key === 'npm_config_local_prefix' || key === 'INIT_CWD') delete env[key];
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A user's shell in the project: IQA_ZOO_* unset, so only the installed packages can be found. */
function run(command: string, args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const env = { ...process.env };
  for (const key of ['IQA_ZOO_MODELS', 'IQA_ZOO_REMOTE', 'IQA_ZOO_CACHE', 'NODE_OPTIONS']) delete env[key];
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the packed packages in a project of their own', () => {
  let tmp: string;
  let project: string;
  let nodeScore: number;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'iqa-consumer-'));
    project = join(tmp, 'project');
    mkdirSync(join(project, 'public'), { recursive: true });
    // The packages' dist/ as `npm run build` left it (npm test runs after the build).
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-b',
        ...JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).workspaces.filter((w: string) =>
          w.startsWith('packages/'),
        ),
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
    const packed = JSON.parse(npm(['pack', '--workspaces', '--json', '--pack-destination', tmp], ROOT)) as Array<{
      filename: string;
    }>;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Vite as a web app would have it (the version this repository tests with).
    const vite = JSON.parse(readFileSync(join(ROOT, 'node_modules/vite/package.json'), 'utf8')).version as string;
    npm(['install', '--prefer-offline', ...packed.map((p) => join(tmp, p.filename)), `vite@${vite}`], project);

    // A photo: seeded pixels, JPEG without chroma subsampling, so sharp and Chromium decode the same pixels.
    const rand = mulberry32(7);
    const [w, h] = [320, 240];
    const pixels = Uint8Array.from({ length: w * h * 3 }, (_, i) => Math.min(255, ((i / 3) % w) * 0.6 + rand() * 90));
    const jpeg = await sharp(pixels, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
      .toBuffer();
    writeFileSync(join(project, 'photo.jpg'), jpeg);
    writeFileSync(join(project, 'public', 'photo.jpg'), jpeg);
    await sharp(pixels, { raw: { width: w, height: h, channels: 3 } })
      .blur(3)
      .png()
      .toFile(join(project, 'blurred.png'));
  }, 600_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('the project holds real copies of every package, not links into this repository', () => {
    const installed = readdirSync(join(project, 'node_modules/@iqa-zoo')).sort();
    expect(installed).toEqual(
      expect.arrayContaining([
        'cli',
        'core',
        'image-node',
        'model-mobilenetv2-ml-clive',
        'queue',
        'runtime-node',
        'runtime-web',
      ]),
    );
    for (const name of installed) {
      const dir = join(project, 'node_modules/@iqa-zoo', name);
      expect({ name, link: lstatSync(dir).isSymbolicLink(), inRepo: realpathSync(dir).startsWith(ROOT) }).toEqual({
        name,
        link: false,
        inRepo: false,
      });
    }
  });

  test(
    '(a) npx iqa score: both images scored with the default model that came with @iqa-zoo/cli, ' + 'nothing on stderr',
    () => {
      const r = run(
        process.execPath,
        [join(project, 'node_modules/.bin/iqa'), 'score', '--json', 'photo.jpg', 'blurred.png'],
        project,
      );
      expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
      const rows = r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { file: string; score: number });
      expect(rows.map((x) => x.file)).toEqual(['photo.jpg', 'blurred.png']);
      // Scores are on the card's MOS scale (about 0-100; a linear head can step slightly outside it).
      for (const row of rows) expect(Number.isFinite(row.score)).toBe(true);
      expect(rows[0]!.score).not.toBe(rows[1]!.score);
      const viaNpx = run('npx', ['iqa', 'models'], project);
      expect({ code: viaNpx.code, err: viaNpx.err }).toEqual({ code: 0, err: '' });
      expect(viaNpx.out).toMatch(/^mobilenetv2-ml-clive \*/m);
    },
  );

  test("(b) the README's Node example, verbatim, prints photo.jpg's score and nothing on stderr", () => {
    writeFileSync(join(project, 'example.mjs'), nodeExample!);
    const r = run(process.execPath, ['example.mjs'], project);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    nodeScore = Number(r.out.trim());
    expect(Number.isFinite(nodeScore)).toBe(true);
    const cli = run(
      process.execPath,
      [join(project, 'node_modules/.bin/iqa'), 'score', '--json', 'photo.jpg'],
      project,
    );
    expect(JSON.parse(cli.out).score).toBeCloseTo(nodeScore, 10);
  });

  const skip = skipReason();
  (skip ? test.skip : test)(
    "(c) the README's web example, verbatim, in a Vite app in headless Chromium: " +
      "Node's score with the same settings within 1e-4",
    async () => {
      expect(nodeScore).toBeDefined();
      // Headless Chromium has no GPU adapter, so runtime-web runs WASM with the card's fast preset
      // (docs/speed.md): the reference is Node's score with that preset's crops and dtype.
      const card = JSON.parse(
        readFileSync(join(project, 'node_modules/@iqa-zoo/model-mobilenetv2-ml-clive/card.json'), 'utf8'),
      );
      const fast = card.presets?.fast ?? {};
      const presetArgs = [
        ...(fast.crops ? ['--crops', String(fast.crops)] : []),
        ...(fast.dtype ? ['--dtype', fast.dtype] : []),
      ];
      const reference =
        presetArgs.length === 0
          ? nodeScore
          : JSON.parse(
              run(
                process.execPath,
                [join(project, 'node_modules/.bin/iqa'), 'score', '--json', ...presetArgs, 'photo.jpg'],
                project,
              ).out,
            ).score;
      writeFileSync(join(project, 'main.js'), webExample!);
      writeFileSync(
        join(project, 'index.html'),
        '<!doctype html>\n<html><body><script type="module" src="./main.js"></script></body></html>\n',
      );
      const built = run(
        process.execPath,
        [join(project, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', 'site', '--logLevel', 'warn'],
        project,
      );
      expect({ code: built.code, err: built.err }).toEqual({ code: 0, err: '' });
      const assets = readFileSync(join(project, 'site/index.html'), 'utf8');
      expect(assets).toContain('<script type="module"');
      const server = await startDemoServer({ port: 0, quiet: true, mounts: { '/': join(project, 'site') } });
      let browser: Launched | undefined;
      try {
        browser = await launch();
        const page = await browser.context.newPage();
        const logs: string[] = [];
        const errors: string[] = [];
        let failed = false;
        page.on('console', (m) => {
          if (m.type() === 'log') logs.push(m.text());
          // A failed load is reported by the response handler with its path (the browser's own
          // favicon.ico request is not).
          else if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
        });
        page.on('pageerror', (e) => {
          errors.push(e.message);
          failed = true;
        });
        page.on('response', (r) => {
          if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`);
        });
        await page.goto(server.url);
        const deadline = Date.now() + 90_000;
        while (logs.length === 0 && !failed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        expect({ logs: logs.length, errors }).toEqual({ logs: 1, errors: [] });
        const webScore = Number(logs[0]);
        expect({ webScore, reference, within: Math.abs(webScore - reference) <= 1e-4 }).toEqual({
          webScore,
          reference,
          within: true,
        });
      } finally {
        await browser?.close();
        await server.close();
      }
    },
    300_000,
  );
});
