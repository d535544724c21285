/** `iqa data check`: what a training data folder has and what it lacks. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@iqa-zoo/cli';
import { memoryIo } from '../../runtime-node/test/helpers/cli-io.js';

const root = mkdtempSync(join(tmpdir(), 'iqa-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = async (...argv: string[]) => {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
};

test('an empty folder: both parts missing, with where to get them, exit 1', async () => {
  const r = await cli('data', 'check', root);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/MISSING {2}pristine\//);
  expect(r.out).toMatch(/MISSING {2}clive\/mos\.csv/);
  expect((await cli('data', '--help')).out).toContain('https://live.ece.utexas.edu/research/ChallengeDB/index.html');
});

test('photos present, one labelled image missing: only that is reported; all present: exit 0', async () => {
  mkdirSync(join(root, 'pristine'));
  mkdirSync(join(root, 'clive', 'images'), { recursive: true });
  writeFileSync(join(root, 'pristine', 'a.jpg'), 'x');
  writeFileSync(join(root, 'pristine', 'notes.txt'), 'not a photo');
  writeFileSync(join(root, 'clive', 'mos.csv'), 'image,mos\nimages/1.jpg,50\nimages/2.jpg,60\n');
  writeFileSync(join(root, 'clive', 'images', '1.jpg'), 'x');
  const partial = await cli('data', 'check', root);
  expect(partial.code).toBe(1);
  expect(partial.out).toMatch(/ok {7}pristine\/ +1 photos/);
  expect(partial.out).toMatch(/MISSING {2}clive images +1 of 2 missing .* e\.g\. images\/2\.jpg/);
  writeFileSync(join(root, 'clive', 'images', '2.jpg'), 'x');
  expect((await cli('data', 'check', '--data', root)).code).toBe(0);
  const saved = process.env.IQA_ZOO_DATA;
  process.env.IQA_ZOO_DATA = root;
  try {
    const whole = await cli('data', 'check');
    expect({ code: whole.code, missing: whole.out.includes('MISSING') }).toEqual({ code: 0, missing: false });
    expect(whole.out).toContain(`data folder ${root}`);
  } finally {
    if (saved === undefined) delete process.env.IQA_ZOO_DATA;
    else process.env.IQA_ZOO_DATA = saved;
  }
  expect((await cli('data', 'frobnicate')).code).toBe(2);
  expect((await cli('data', 'check', root, '--data', root)).code).toBe(2);
});
