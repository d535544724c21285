/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IqaError } from '@iqa-zoo/core';
import { runCli } from '@iqa-zoo/cli';
import { memoryIo } from '../../runtime-node/test/helpers/cli-io.js';
import { solid, tinyScore } from '../../runtime-node/test/helpers/images.js';
import { createTinyModel, writeTinyModelDir } from '../../runtime-node/test/helpers/tiny-model.js';
import { runDelegated } from '../src/delegate.js';

const root = mkdtempSync(join(tmpdir(), 'iqa-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const zoo = join(root, 'zoo');
writeTinyModelDir(join(zoo, 'tiny-test'), createTinyModel());
writeTinyModelDir(join(zoo, 'tiny-b'), createTinyModel(undefined, { id: 'tiny-b', bias: 0.25 }));
writeFileSync(join(zoo, 'index.json'), JSON.stringify({ default: 'tiny-test', models: ['tiny-test', 'tiny-b'] }));
const imgs = join(root, 'imgs');
const red = { r: 255, g: 0, b: 0 };
const blue = { r: 0, g: 0, b: 255 };

const saved = process.env.IQA_ZOO_MODELS;
beforeAll(async () => {
  process.env.IQA_ZOO_MODELS = zoo;
  mkdirSync(join(imgs, 'sub'), { recursive: true });
  writeFileSync(join(imgs, 'a.png'), await solid(40, 40, red));
  writeFileSync(join(imgs, 'b.jpg'), await solid(40, 40, blue, 'jpeg'));
  writeFileSync(join(imgs, 'sub', 'c.png'), await solid(20, 20, blue));
  writeFileSync(join(imgs, 'notes.txt'), 'not an image');
  writeFileSync(join(root, 'bad.jpg'), 'this is text with a .jpg name');
});
afterAll(() => {
  if (saved === undefined) delete process.env.IQA_ZOO_MODELS;
  else process.env.IQA_ZOO_MODELS = saved;
});

const cli = async (...argv: string[]) => {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
};

describe('iqa score', () => {
  test('plain output: file<TAB>score, exit 0', async () => {
    const r = await cli('score', '--device', 'cpu', join(imgs, 'a.png'));
    expect(r.code).toBe(0);
    const [file, score] = r.out.trim().split('\t');
    expect(file).toBe(join(imgs, 'a.png'));
    expect(Number(score)).toBeCloseTo(tinyScore(red), 3);
  });

  test(
    '--json: one object per line in input order; ' + 'a non-image is an error row, the others still scored, exit 1',
    async () => {
      const r = await cli(
        'score',
        '--json',
        '--device',
        'cpu',
        join(imgs, 'a.png'),
        join(root, 'bad.jpg'),
        join(imgs, 'b.jpg'),
      );
      expect(r.code).toBe(1);
      const rows = r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.map((x) => x.file)).toEqual([join(imgs, 'a.png'), join(root, 'bad.jpg'), join(imgs, 'b.jpg')]);
      expect(rows[0].score).toBeCloseTo(tinyScore(red), 3);
      expect(rows[1]).toEqual({
        file: join(root, 'bad.jpg'),
        error: { code: 'UNSUPPORTED_IMAGE', message: expect.stringContaining('bad.jpg') },
      });
      expect(rows[2].score).toBeCloseTo(tinyScore(blue), 0); // JPEG
      expect(r.err).toContain(`${join(root, 'bad.jpg')}: UNSUPPORTED_IMAGE`);
      expect(r.err).toContain('1 of 3 file(s) failed');
    },
  );

  test('plain output leaves failures out of stdout and names them on stderr', async () => {
    const r = await cli('score', '--device', 'cpu', join(root, 'bad.jpg'), join(imgs, 'a.png'));
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('bad.jpg');
  });

  test('--csv with folders (images only), --recursive and globs', async () => {
    const flat = await cli('score', '--csv', '--device', 'cpu', imgs);
    expect(flat.code).toBe(0);
    expect(flat.out.trim().split('\n')).toEqual([
      'file,score,error_code,error_message',
      expect.stringMatching(/a\.png,[\d.]+,,$/),
      expect.stringMatching(/b\.jpg,[\d.]+,,$/),
    ]);
    const deep = await cli('score', '--csv', '-r', '--device', 'cpu', imgs);
    expect(deep.out).toContain(join('sub', 'c.png'));
    const globbed = await cli('score', '--json', '--device', 'cpu', join(imgs, '**', '*.png'));
    expect(
      globbed.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).file),
    ).toEqual([join(imgs, 'a.png'), join(imgs, 'sub', 'c.png')]);
  });

  test('--model picks a zoo id, a folder or an .onnx file', async () => {
    const byId = await cli('score', '--json', '--device', 'cpu', '--model', 'tiny-b', join(imgs, 'a.png'));
    expect(JSON.parse(byId.out).score).toBeCloseTo(tinyScore(red) + 25, 3);
    const byPath = await cli(
      'score',
      '--json',
      '--device',
      'cpu',
      '--model',
      join(zoo, 'tiny-b', 'model.onnx'),
      join(imgs, 'a.png'),
    );
    expect(JSON.parse(byPath.out).score).toBeCloseTo(tinyScore(red) + 25, 3);
    const unknown = await cli('score', '--model', 'nope', join(imgs, 'a.png'));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('MODEL_NOT_FOUND');
    expect(unknown.err).toContain('"tiny-b"');
  });

  test(
    'device auto prints nothing on stderr when it falls back to CPU; ' + '--verbose says which device and why',
    async () => {
      const quiet = await cli('score', join(imgs, 'a.png'));
      expect({ code: quiet.code, err: quiet.err }).toEqual({ code: 0, err: '' });
      const verbose = await cli('score', '--verbose', join(imgs, 'a.png'));
      expect(verbose.err).toMatch(/^iqa score: model tiny-test 0\.0\.1 on (cpu \(CUDA is not available|cuda \()/);
    },
  );

  test('a progress bar only on a terminal', async () => {
    const tty = memoryIo(true);
    expect(await runCli(['score', '--device', 'cpu', join(imgs, 'a.png'), join(imgs, 'b.jpg')], tty)).toBe(0);
    expect(tty.err()).toMatch(/\[#+\] 2\/2/);
    expect(tty.out()).not.toContain('#');
    const piped = await cli('score', '--device', 'cpu', join(imgs, 'a.png'), join(imgs, 'b.jpg'));
    expect(piped.err).not.toContain('#');
  });

  test('usage errors exit 2 with the usage', async () => {
    for (const argv of [
      ['score'],
      ['score', '--json', '--csv', 'x'],
      ['score', '--device', 'gpu', 'x'],
      ['score', '--bogus', 'x'],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('Usage: iqa score');
    }
    expect((await cli('frobnicate')).err).toContain('expected one of score, models, serve, eval');
    expect((await cli('score', '--help')).code).toBe(0);
  });
});

describe('--help', () => {
  // distort, train and export load @iqa-zoo/train and @iqa-zoo/export (the workspace's own), which print their usage.
  test.each([
    '',
    'score',
    'models',
    'serve',
    'eval',
    'data',
    'distort',
    'export',
    'train',
    'train rank',
    'train finetune',
  ])('iqa %s --help prints its usage on stdout and exits 0', async (line: string) => {
    const command = line.split(' ').filter(Boolean);
    // train's and export's commands write to the process's stdout themselves.
    let printed = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: unknown) => {
      printed += String(chunk);
      return true;
    }) as typeof write;
    const r = await cli(...command, '--help').finally(() => {
      process.stdout.write = write;
    });
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.out + printed).toMatch(new RegExp(`Usage:[\\s\\S]*iqa ${line}`));
  });

  test('a command without its stage or an unknown option of a delegated command exits 2, never 70', async () => {
    const noStage = await cli('train');
    expect(noStage.code).toBe(2);
    expect(noStage.err).toContain('rank');
    const bogus = await cli('train', 'rank', '--bogus');
    expect(bogus).toMatchObject({ code: 2, err: "iqa train: Unknown option '--bogus'\n" });
  });
});

describe('iqa models', () => {
  test('a table from the cards with the default marked', async () => {
    const r = await cli('models');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(
      /^id\s+version\s+size\s+input\s+scores\s+SRCC \/ PLCC\s+k-fold CV\s+pairs in order\s+ms 500px$/,
    );
    expect(lines[2]).toMatch(/^tiny-test \*\s+0\.0\.1\s+\d+ kB\s+mean of 4 crops 16px\s+0-100\s/);
    expect(lines[3]).toMatch(/^tiny-b\s/);
    // Every row fits a terminal: the metrics are summaries, not the cards' split descriptions.
    for (const line of lines.slice(0, 4)) expect(line.length).toBeLessThanOrEqual(160);
  });
});

describe('iqa eval', () => {
  test('prints n and correlations, skipping bad images', async () => {
    const dir = join(root, 'eval');
    mkdirSync(dir);
    const greys = [20, 60, 100, 140, 200];
    for (const g of greys) writeFileSync(join(dir, `g${g}.png`), await solid(24, 24, { r: g, g, b: g }));
    writeFileSync(join(dir, 'broken.png'), 'nope');
    const csv = ['image,mos,std', ...greys.map((g, i) => `g${g}.png,${[1, 2, 4, 3, 5][i]},0.5`), 'broken.png,3,1'].join(
      '\n',
    );
    writeFileSync(join(dir, 'mos.csv'), csv);
    const r = await cli('eval', '--device', 'cpu', '--mos', join(dir, 'mos.csv'), '--json');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m).toMatchObject({ model: 'tiny-test', n: 5, skipped: 1 });
    expect(m.srcc).toBeCloseTo(0.9, 6);
    expect(m.krcc).toBeCloseTo(0.8, 6);
    expect(r.err).toContain('skipped broken.png');
    const text = await cli('eval', '--device', 'cpu', '--mos', join(dir, 'mos.csv'));
    expect(text.out).toMatch(
      /n 5 \(skipped 1\)\nSRCC 0\.9000\nKRCC 0\.8000\nPLCC [\d.]+\nPLCC \(logistic\) [\d.]+\nRMSE [\d.]+/,
    );
    expect((await cli('eval')).code).toBe(2);
  });

  test('--ci adds bootstrap intervals around SRCC and PLCC; --resamples without --ci is refused', async () => {
    const mosCsv = join(root, 'eval', 'mos.csv');
    const r = await cli('eval', '--device', 'cpu', '--mos', mosCsv, '--json', '--ci', '--resamples', '200');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.ci).toMatchObject({ level: 0.95, resamples: 200, seed: 0 });
    for (const key of ['srcc', 'plcc'] as const) {
      const [low, high] = m.ci[key] as [number, number];
      expect(low).toBeLessThanOrEqual(m[key]);
      expect(high).toBeGreaterThanOrEqual(m[key]);
      expect(high - low).toBeGreaterThan(0.05); // five images: the correlation could be almost anything
    }
    const text = await cli('eval', '--device', 'cpu', '--mos', mosCsv, '--ci', '--resamples', '200');
    expect(text.out).toMatch(/\nSRCC 0\.9000 \(95% CI -?[\d.]+ to [\d.]+\)\n/);
    expect(text.out).toContain('(intervals: 200 bootstrap resamples of the 5 images, seed 0)');
    const alone = await cli('eval', '--device', 'cpu', '--mos', mosCsv, '--resamples', '200');
    expect(alone.code).toBe(2);
    expect(alone.err).toContain('Expected --resamples only with --ci but received it without');
  });

  test("--dtype fp16 runs the card's fp16 file; a card without one, or another dtype, is a clear error", async () => {
    // A stand-in "fp16" file that scores differently (bias 0.25), to see which file ran.
    const dir = join(root, 'half');
    const fp32 = createTinyModel();
    const other = createTinyModel(undefined, { bias: 0.25 }).onnx;
    writeTinyModelDir(dir, fp32);
    writeFileSync(join(dir, 'model_fp16.onnx'), other);
    const { createHash } = await import('node:crypto');
    const card = {
      ...fp32.card,
      files: {
        ...fp32.card.files,
        onnxFp16: {
          path: 'model_fp16.onnx',
          sha256: createHash('sha256').update(other).digest('hex'),
          bytes: other.length,
        },
      },
    };
    writeFileSync(join(dir, 'card.json'), JSON.stringify(card));
    const a = join(imgs, 'a.png');
    const full = await cli('score', '--json', '--device', 'cpu', '--model', dir, a);
    const half = await cli('score', '--json', '--device', 'cpu', '--model', dir, '--dtype', 'fp16', a);
    expect(JSON.parse(half.out).score - JSON.parse(full.out).score).toBeCloseTo(25, 3);
    const ev = await cli(
      'eval',
      '--json',
      '--device',
      'cpu',
      '--model',
      dir,
      '--dtype',
      'fp16',
      '--mos',
      join(root, 'eval', 'mos.csv'),
    );
    expect(JSON.parse(ev.out)).toMatchObject({ dtype: 'fp16', n: 5, skipped: 1 });
    const missing = await cli('eval', '--device', 'cpu', '--dtype', 'fp16', '--mos', join(root, 'eval', 'mos.csv'));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('Expected an fp16 variant (card.files.onnxFp16) for model "tiny-test"');
    const bad = await cli('score', '--dtype', 'fp64', a);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Expected one of fp32, fp16, q8 for --dtype but received "fp64"');
  });

  test('--crops N scores N crops of the card draw (eval reports it); 0 or a word is a usage error', async () => {
    const sharp = (await import('sharp')).default;
    // Left half red, right half blue: the crop count changes where the 16px crops fall.
    const raw = Buffer.alloc(64 * 24 * 3).map(
      (_, i) => (Math.floor(i / 3) % 64 < 32 ? [255, 0, 0] : [0, 0, 255])[i % 3]!,
    );
    const halves = join(root, 'halves.png');
    writeFileSync(
      halves,
      await sharp(raw, { raw: { width: 64, height: 24, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const scores = await Promise.all(
      ['1', '2', '4'].map(
        async (n) =>
          JSON.parse((await cli('score', '--json', '--device', 'cpu', '--crops', n, halves)).out).score as number,
      ),
    );
    const card = JSON.parse((await cli('score', '--json', '--device', 'cpu', halves)).out).score as number;
    expect(scores[2]).toBeCloseTo(card, 6);
    expect(new Set(scores.map((v) => v.toFixed(4))).size).toBeGreaterThan(1);
    const ev = await cli('eval', '--json', '--device', 'cpu', '--crops', '2', '--mos', join(root, 'eval', 'mos.csv'));
    expect(JSON.parse(ev.out)).toMatchObject({ crops: 2, n: 5 });
    // --preset fast takes the card's presets.fast (here 1 crop); --crops given wins.
    const presetDir = join(root, 'preset');
    const model = createTinyModel();
    writeTinyModelDir(presetDir, model);
    writeFileSync(
      join(presetDir, 'card.json'),
      JSON.stringify({ ...model.card, presets: { fast: { crops: 1, description: 'a test preset' } } }),
    );
    const viaPreset = async (...flags: string[]) =>
      JSON.parse((await cli('score', '--json', '--device', 'cpu', '--model', presetDir, ...flags, halves)).out)
        .score as number;
    expect(await viaPreset('--preset', 'fast')).toBeCloseTo(scores[0]!, 6);
    expect(await viaPreset('--preset', 'fast', '--crops', '4')).toBeCloseTo(card, 6);
    expect(await viaPreset()).toBeCloseTo(card, 6);
    const evPreset = await cli(
      'eval',
      '--json',
      '--device',
      'cpu',
      '--model',
      presetDir,
      '--preset',
      'fast',
      '--mos',
      join(root, 'eval', 'mos.csv'),
    );
    expect(JSON.parse(evPreset.out)).toMatchObject({ crops: 1, dtype: 'fp32' });
    expect((await cli('score', '--preset', 'fastest', halves)).err).toContain(
      'Expected one of default, fast for --preset but received "fastest"',
    );
    for (const n of ['0', 'many']) {
      const bad = await cli('score', '--crops', n, halves);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain(`Expected an integer >= 1 for --crops but received "${n}"`);
    }
  });
});

describe('delegated commands', () => {
  test('distort/train/export call the named function of the other package with the arguments', async () => {
    const calls: unknown[] = [];
    const io = memoryIo();
    const load = async (m: string) => ({
      trainCommand: (argv: string[]) => {
        calls.push([m, argv]);
        return 3;
      },
    });
    expect(await runDelegated('train', ['--config', 'x.json'], io, load)).toBe(3);
    expect(calls).toEqual([['@iqa-zoo/train', ['--config', 'x.json']]]);
  });

  test(
    'a typed error thrown by a delegated command is one line with its code and exit code 2; ' +
      'other errors propagate',
    async () => {
      const io = memoryIo();
      const failing = (err: Error) => async () => ({
        trainCommand: () => {
          throw err;
        },
      });
      const typed = new IqaError(
        'INVALID_ARGUMENT',
        'Expected a weight named head_hidden/kernel in the checkpoint but it has none',
      );
      expect(await runCli(['train', 'finetune'], io, failing(typed))).toBe(2);
      expect(io.err()).toBe(
        'iqa train: INVALID_ARGUMENT: Expected a weight named head_hidden/kernel in the checkpoint but it has none\n',
      );
      await expect(runCli(['train', 'finetune'], memoryIo(), failing(new TypeError('a bug')))).rejects.toThrow('a bug');
    },
  );

  test('a missing package or function is a clear error with exit code 2', async () => {
    const io = memoryIo();
    expect(
      await runDelegated('export', [], io, async () =>
        Promise.reject(new Error("Cannot find package '@iqa-zoo/export'")),
      ),
    ).toBe(2);
    expect(io.err()).toContain(
      'iqa export: expected the package @iqa-zoo/export to provide this command ' +
        'but it could not be loaded: Cannot find package',
    );
    expect(await runDelegated('distort', [], io, async () => ({}))).toBe(2);
    expect(io.err()).toContain('iqa distort: expected @iqa-zoo/train to export a function distortCommand(argv)');
  });
});
