import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { distortCommand } from '../../src/cli/distort.js';
import { cloudy, edges } from './fixtures.js';

function capture(): { stream: Writable & { isTTY?: boolean }; text(): string } {
  let s = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      s += String(chunk);
      cb();
    },
  });
  return { stream, text: () => s };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iqa-distort-'));
  const refs = join(dir, 'refs');
  await mkdir(refs);
  for (const [name, img] of [
    ['one.png', cloudy(70, 1)],
    ['two.jpg', edges(64)],
  ] as const) {
    await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).toFile(join(refs, name));
  }
  await writeFile(join(refs, 'broken.jpg'), 'not an image');
  await writeFile(join(refs, 'notes.csv'), 'ignored');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('iqa distort', () => {
  it('writes PNGs and a manifest, reporting and skipping unreadable references', async () => {
    const out = capture();
    const err = capture();
    const code = await distortCommand(
      [
        '--refs',
        join(dir, 'refs'),
        '--out',
        join(dir, 'out'),
        '--set',
        'live',
        '--types',
        'gblur,wn',
        '--levels',
        '1,3',
        '--seed',
        '2',
        '--workers',
        '0',
      ],
      { stdout: out.stream, stderr: err.stream },
    );
    expect(code).toBe(0);
    expect(err.text()).toMatch(/skipped broken\.jpg: Could not decode reference image/);
    const manifest = (await readFile(join(dir, 'out/manifest.csv'), 'utf8')).trim().split('\n');
    expect(manifest[0]).toBe('file,reference,type,level');
    expect(manifest.slice(1)).toEqual([
      'gblur/1/one.png,one.png,gblur,1',
      'gblur/3/one.png,one.png,gblur,3',
      'wn/1/one.png,one.png,wn,1',
      'wn/3/one.png,one.png,wn,3',
      'gblur/1/two.png,two.jpg,gblur,1',
      'gblur/3/two.png,two.jpg,gblur,3',
      'wn/1/two.png,two.jpg,wn,1',
      'wn/3/two.png,two.jpg,wn,3',
    ]);
    const meta = await sharp(join(dir, 'out/wn/3/one.png')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 70, 70]);
    expect(out.text()).toMatch(/2 references x 2 types -> 8 images/);
  });

  it('resumes: keeps complete references, remakes missing images', async () => {
    const args = [
      '--refs',
      join(dir, 'refs'),
      '--out',
      join(dir, 'out'),
      '--set',
      'live',
      '--types',
      'gblur,wn',
      '--levels',
      '1,3',
      '--seed',
      '2',
      '--workers',
      '0',
      '--resume',
    ];
    const kept = join(dir, 'out/gblur/1/one.png');
    const before = (await stat(kept)).mtimeMs;
    const lost = join(dir, 'out/wn/3/two.png');
    const original = await readFile(lost);
    await rm(lost);
    expect(await distortCommand(args, { stdout: capture().stream, stderr: capture().stream })).toBe(0);
    expect((await stat(kept)).mtimeMs).toBe(before);
    expect((await readFile(lost)).equals(original)).toBe(true); // same seed, same bytes
    expect((await readFile(join(dir, 'out/manifest.csv'), 'utf8')).trim().split('\n')).toHaveLength(9);
  });

  it('crops every version of a reference with one box', async () => {
    const code = await distortCommand(
      [
        '--refs',
        join(dir, 'refs'),
        '--out',
        join(dir, 'crop'),
        '--set',
        'tid2013',
        '--types',
        'tid16-mean-shift',
        '--levels',
        '1,4',
        '--crop',
        '32',
        '--workers',
        '0',
      ],
      { stdout: capture().stream, stderr: capture().stream },
    );
    expect(code).toBe(0);
    const read = async (f: string) =>
      await sharp(join(dir, 'crop', f))
        .raw()
        .toBuffer();
    const [a, b] = [await read('tid16-mean-shift/1/one.png'), await read('tid16-mean-shift/4/one.png')];
    expect(a.length).toBe(32 * 32 * 3);
    expect(b.every((v, i) => v === Math.min(255, a[i]! - 15 + 60) || a[i] === 255)).toBe(true);
  });

  it('keeps references of one name but different extensions apart', async () => {
    const refs = join(dir, 'twins');
    await mkdir(refs);
    const img = cloudy(24, 4);
    for (const name of ['x.png', 'x.webp'])
      await sharp(img.data, { raw: { width: 24, height: 24, channels: 3 } }).toFile(join(refs, name));
    expect(
      await distortCommand(
        [
          '--refs',
          refs,
          '--out',
          join(dir, 'twins-out'),
          '--set',
          'live',
          '--types',
          'jpeg',
          '--levels',
          '2',
          '--workers',
          '0',
        ],
        { stdout: capture().stream, stderr: capture().stream },
      ),
    ).toBe(0);
    const rows = (await readFile(join(dir, 'twins-out/manifest.csv'), 'utf8')).trim().split('\n').slice(1);
    expect(rows).toEqual(['jpeg/2/x.png.png,x.png,jpeg,2', 'jpeg/2/x.webp.png,x.webp,jpeg,2']);
  });

  it('exits 2 with the allowed values on bad arguments', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--refs', 'x', '--out', 'y', '--set', 'csiq'], /one of 'live', 'tid2013'/],
      [['--refs', 'x', '--out', 'y', '--set', 'live', '--types', 'blur'], /one of 'gblur', 'wn', 'jpeg', 'jp2k'/],
      [
        ['--refs', 'x', '--out', 'y', '--set', 'tid2013', '--levels', '5'],
        /one of 1, 2, 3, 4\) for level but received 5/,
      ],
      [['--out', 'y', '--set', 'live'], /--refs/],
      [['--refs', 'x', '--out', 'y', '--set', 'live', '--bogus'], /Unknown option/],
    ];
    for (const [argv, message] of cases) {
      const err = capture();
      expect(await distortCommand(argv, { stdout: capture().stream, stderr: err.stream })).toBe(2);
      expect(err.text()).toMatch(message);
    }
  });
});
