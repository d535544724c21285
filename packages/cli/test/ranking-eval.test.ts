/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '@iqa-zoo/cli';
import { memoryIo } from '../../runtime-node/test/helpers/cli-io.js';
import { solid } from '../../runtime-node/test/helpers/images.js';
import { createTinyModel, writeTinyModelDir } from '../../runtime-node/test/helpers/tiny-model.js';

// The tiny model scores a grey image g as 100 * g / 255, so each file's grey sets its score.
const root = mkdtempSync(join(tmpdir(), 'iqa-ranking-'));
const model = join(root, 'tiny-test');
const set = join(root, 'set');
// p: blur in order, noise wrong at 1-2 (180 < 190); q: blur in order but darker than all of p's,
// so pairs mixed across references would be wrong. blur/4/p.png is not an image.
const greys: Record<string, number> = {
  'ref/p.png': 200,
  'blur/1/p.png': 150,
  'blur/2/p.png': 100,
  'blur/3/p.png': 50,
  'noise/1/p.png': 180,
  'noise/2/p.png': 190,
  'noise/3/p.png': 60,
  'ref/q.png': 100,
  'blur/1/q.png': 80,
  'blur/2/q.png': 60,
  'blur/3/q.png': 40,
};
const distorted = Object.keys(greys).filter((f) => !f.startsWith('ref/'));
const row = (file: string) => {
  const [type, level, name] = file.split('/');
  return type === 'ref' ? `${file},${level},,0` : `${file},${name},${type},${level}`;
};

beforeAll(async () => {
  writeTinyModelDir(model, createTinyModel());
  for (const [file, g] of Object.entries(greys)) {
    mkdirSync(dirname(join(set, file)), { recursive: true });
    writeFileSync(join(set, file), await solid(24, 24, { r: g, g, b: g }));
  }
  mkdirSync(join(set, 'blur', '4'));
  writeFileSync(join(set, 'blur', '4', 'p.png'), 'not an image');
  const header = 'file,reference,type,level';
  writeFileSync(
    join(set, 'manifest.csv'),
    [header, ...Object.keys(greys).map(row), 'blur/4/p.png,p.png,blur,4'].join('\n'),
  );
  writeFileSync(join(set, 'distorted-only.csv'), [header, ...distorted.map(row)].join('\n'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `iqa eval ARGS` on the CPU with the tiny model (a folder, so no zoo is needed). */
async function evalRun(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await runCli(['eval', '--device', 'cpu', '--model', model, ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('iqa eval --ranking', () => {
  test(
    '--json: per type, overall and per gap, with level 0 in every ladder; ' + 'a broken image is reported and left out',
    async () => {
      const r = await evalRun('--ranking', join(set, 'manifest.csv'), '--json');
      expect(r.code).toBe(0);
      expect(r.err).toContain(`skipped ${join(set, 'blur', '4', 'p.png')}: UNSUPPORTED_IMAGE`);
      const m = JSON.parse(r.out);
      expect(m).toMatchObject({ model: 'tiny-test', dtype: 'fp32', images: 11, skipped: 1 });
      // blur: p [200,150,100,50] and q [100,80,60,40], 6 + 6 pairs all in order; noise p [200,180,190,60]: 5 of 6.
      expect(m.byType.blur).toMatchObject({ pairs: 12, correct: 12, share: 1, ladders: 2 });
      expect(m.byType.blur.srcc).toBeCloseTo(1, 12);
      expect(m.byType.noise).toMatchObject({ pairs: 6, correct: 5, ladders: 1 });
      expect(m.byType.noise.srcc).toBeCloseTo(0.8, 6);
      expect(m.overall).toMatchObject({ pairs: 18, correct: 17 });
      expect(m.byGap['1']).toMatchObject({ pairs: 9, correct: 8 });
      expect(m.counts).toEqual({ entries: 11, references: 2, types: 2, ladders: 3, referencesWithLevel0: 2 });
    },
  );

  test('plain output is a table per type, then per level gap', async () => {
    const r = await evalRun('--ranking', join(set, 'manifest.csv'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('images 11 (skipped 1); 2 references (2 with level 0), 2 types, 3 ladders\n');
    expect(r.out).toMatch(/\nblur\s+2\s+12\s+1\.0000\s+0\s+1\.0000\n/);
    expect(r.out).toMatch(/\nnoise\s+1\s+6\s+0\.8333\s+0\s+0\.8000\n/);
    expect(r.out).toMatch(/\nall\s+3\s+18\s+0\.9444\s+0\s+0\.9333\n/);
    expect(r.out).toMatch(/\n1\s+9\s+0\.8889\s+0\n2\s+6\s+1\.0000\s+0\n3\s+3\s+1\.0000\s+0\n/);
  });

  test(
    'a manifest without level-0 rows ranks the distorted levels alone, ' + 'or takes the references from --refs',
    async () => {
      const alone = JSON.parse((await evalRun('--ranking', join(set, 'distorted-only.csv'), '--json')).out);
      // blur p [150,100,50], q [80,60,40]: 6 in order; noise [180,190,60]: 2 of 3.
      expect(alone).toMatchObject({
        images: 9,
        skipped: 0,
        overall: { pairs: 9, correct: 8 },
        counts: { referencesWithLevel0: 0 },
      });
      const withRefs = JSON.parse(
        (await evalRun('--ranking', join(set, 'distorted-only.csv'), '--refs', join(set, 'ref'), '--json')).out,
      );
      expect(withRefs).toMatchObject({
        images: 11,
        overall: { pairs: 18, correct: 17 },
        counts: { referencesWithLevel0: 2 },
      });
    },
  );

  test('--ci: intervals of the shares over resampled references, in JSON and in the table', async () => {
    const manifest = join(set, 'manifest.csv');
    const json = JSON.parse((await evalRun('--ranking', manifest, '--ci', '--resamples', '200', '--json')).out);
    // Both references order all their blur pairs; only p has noise pairs (5 of 6); overall p has 11 of 12
    // and q 6 of 6, so a resample of p twice gives 22 of 24 and one of q twice 12 of 12.
    expect(json.ci).toMatchObject({ references: 2, resamples: 200, seed: 0 });
    expect(json.ci.byType.blur).toMatchObject({ estimate: 1, low: 1, high: 1 });
    expect(json.ci.byType.noise.low).toBeCloseTo(5 / 6, 12);
    expect(json.ci.byType.noise.high).toBeCloseTo(5 / 6, 12);
    expect(json.ci.overall.estimate).toBeCloseTo(17 / 18, 12);
    expect(json.ci.overall.low).toBeCloseTo(22 / 24, 12);
    expect(json.ci.overall.high).toBe(1);
    const text = await evalRun('--ranking', manifest, '--ci', '--resamples', '200');
    expect(text.code).toBe(0);
    expect(text.out).toContain('in order, 95% CI');
    expect(text.out).toMatch(/^noise +1 +6 +0\.8333 +0 +[-0-9.]+ {2}0\.8333 to 0\.8333$/m);
    expect(text.out).toContain('(intervals: 200 bootstrap resamples of the 2 references, seed 0)');
    expect((await evalRun('--ranking', manifest)).out).not.toContain('95% CI');
  });

  test('usage errors exit 2; a set with no pair left exits 1', async () => {
    const both = await evalRun('--mos', 'x.csv', '--ranking', 'y.csv');
    expect(both).toMatchObject({
      code: 2,
      err: expect.stringContaining('Expected one of --mos CSV or --ranking MANIFEST but received both'),
    });
    expect((await evalRun('--ranking', 'y.csv', '--resamples', '100')).err).toContain(
      'Expected --resamples only with --ci but received it without',
    );
    expect((await evalRun('--mos', 'x.csv', '--refs', 'r')).err).toContain('Expected --refs only with --ranking');
    const one = join(set, 'one.csv');
    writeFileSync(one, 'file,reference,type,level\nblur/1/p.png,p.png,blur,1\nblur/4/p.png,p.png,blur,4\n');
    const none = await evalRun('--ranking', one);
    expect(none.code).toBe(1);
    expect(none.err).toContain(
      'expected at least one pair of levels of one reference and type but received none (1 scored, 1 skipped)',
    );
  });
});
