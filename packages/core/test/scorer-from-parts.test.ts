/**
 * The scorer object both runtimes return, built from fake platform pieces: a decoder that reads
 * a grey level from a string, and a network whose output is the first value of each batch row.
 */
import { IqaError, type RawImage, type TensorData, isIqaError, scorerFromParts } from '../src/index.js';
import { validCard } from './fixtures/card.js';

function fixture(extra: Partial<Parameters<typeof scorerFromParts<string, 'cpu'>>[0]> = {}) {
  const card = validCard();
  card.input = { ...card.input, mean: [0, 0, 0], std: [1, 1, 1], minSize: 4, protocol: { kind: 'full' } };
  const log: string[] = [];
  const decode = async (name: string): Promise<RawImage> => {
    log.push(`decode ${name}`);
    const level = Number(name);
    if (!Number.isInteger(level)) throw new IqaError('INVALID_IMAGE', `Expected an image but ${name} is not one`);
    return { data: new Uint8Array(16).fill(level), width: 4, height: 4, channels: 1 };
  };
  const run = async (t: TensorData) => {
    log.push(`run ${t.dims.join('x')}`);
    if (t.data[0]! > 0.9) throw new Error('the network broke');
    return Float32Array.from({ length: t.dims[0]! }, () => t.data[0]!);
  };
  const release = async () => void log.push('release');
  const scorer = scorerFromParts({ card, device: 'cpu' as const, decode, run, release, ...extra });
  return { scorer, log, card };
}

test('score decodes, runs the card protocol and scales the output; card and device are the parts given', async () => {
  const { scorer, log, card } = fixture();
  expect(await scorer.score('51')).toBeCloseTo(20, 4); // 51/255 = 0.2, scale 100
  expect(log).toEqual(['decode 51', 'run 1x3x4x4']);
  expect([scorer.card, scorer.device]).toEqual([card, 'cpu']);
});

test('scoringCard decides how images are cut; card stays the model card', async () => {
  const cut = validCard();
  cut.input = { ...cut.input, mean: [0, 0, 0], std: [1, 1, 1], minSize: 2 };
  cut.input.protocol = { kind: 'crops', count: 2, size: 2, seed: 1 };
  cut.output.scale = 1;
  const { scorer, log, card } = fixture({ scoringCard: cut });
  expect(await scorer.score('51')).toBeCloseTo(0.2, 4);
  expect(log).toEqual(['decode 51', 'run 2x3x2x2']);
  expect(scorer.card).toBe(card);
});

test('scoreBatch gives one outcome per image in order, an IqaError for each bad one, named by index', async () => {
  const { scorer } = fixture();
  const out = await scorer.scoreBatch(['51', 'nope', '255', '102']);
  expect(out.map((o) => o.score ?? o.error?.code)).toEqual([
    expect.closeTo(20, 4),
    'INVALID_IMAGE',
    'INTERNAL',
    expect.closeTo(40, 4),
  ]);
  expect(out[2]!.error!.message).toBe('image 2: the network broke');
  expect(await scorer.scoreBatch([])).toEqual([]);
  await expect(scorer.scoreBatch('51' as never)).rejects.toThrow(
    new TypeError('Expected an array of images for inputs but received "51"'),
  );
});

test('scoreBatch keeps concurrency images in flight (default one after the other); describe names them', async () => {
  for (const concurrency of [undefined, 3]) {
    let inFlight = 0;
    let most = 0;
    const decode = async (): Promise<RawImage> => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return { data: new Uint8Array(16).fill(255), width: 4, height: 4, channels: 1 };
    };
    const { scorer } = fixture({ decode, concurrency, describe: (input, i) => `${input} (#${i})` });
    const out = await scorer.scoreBatch(['a', 'b', 'c', 'd', 'e']);
    expect(most).toBe(concurrency ?? 1);
    expect(out[4]!.error!.message).toBe('e (#4): the network broke');
  }
});

test('runError shapes what score rejects with after decoding; decode errors reach the caller as they are', async () => {
  const { scorer } = fixture({ runError: (err, input) => new IqaError('INTERNAL', `${input}: ${String(err)}`) });
  await expect(scorer.score('255')).rejects.toMatchObject({ message: '255: Error: the network broke' });
  const plain = fixture().scorer;
  await expect(plain.score('255')).rejects.toThrow(new Error('the network broke'));
  const decodeError = await scorer.score('nope').catch((e: unknown) => e);
  expect(isIqaError(decodeError, 'INVALID_IMAGE')).toBe(true);
});

test('dispose releases once; a disposed scorer refuses work naming the model', async () => {
  const { scorer, log } = fixture();
  await scorer.dispose();
  await scorer.dispose();
  expect(log).toEqual(['release']);
  await expect(scorer.score('51')).rejects.toMatchObject({
    code: 'INVALID_ARGUMENT',
    message: 'Expected a live scorer but "mobilenetv2-ml" was disposed',
  });
  const [outcome] = await scorer.scoreBatch(['51']);
  expect(outcome!.error!.code).toBe('INVALID_ARGUMENT');
});
