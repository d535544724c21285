/**
 * card.presets.fast: a measured cheaper way to score, validated against the card's protocol and files; and
 * card.runtime: run settings a model asks for by default (brisque-clive: 1 intra-op thread in onnxruntime-node).
 */
import { isIqaError, validateCard } from '../src/index.js';
import { validCard } from './fixtures/card.js';

function withFast(fast: unknown, edit: (c: Record<string, any>) => void = () => {}): unknown {
  const c = validCard() as unknown as Record<string, any>;
  c.presets = { fast };
  edit(c);
  return c;
}

function problems(card: unknown): string {
  try {
    validateCard(card);
  } catch (err) {
    expect(isIqaError(err, 'INVALID_CARD')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected validateCard to throw');
}

test(
  'a fast preset with crops within the protocol and a dtype whose file is listed is valid; presets are ' + 'optional',
  () => {
    const count = (validCard().input.protocol as { count: number }).count;
    expect(validateCard(withFast({ crops: count, dtype: 'fp32', description: 'measured' }))).toBeTruthy();
    expect(validateCard(withFast({ description: 'the protocol itself' }))).toBeTruthy();
    expect(validateCard(withFast(undefined))).toBeTruthy();
    const q8 = { path: 'model_q8.onnx', sha256: 'a'.repeat(64), bytes: 10 };
    expect(
      validateCard(withFast({ crops: 1, dtype: 'q8', description: 'd' }, (c) => (c.files.onnxQ8 = q8))),
    ).toBeTruthy();
  },
);

test('more crops than the protocol, an unknown dtype, a dtype without its file or no description are named', () => {
  const count = (validCard().input.protocol as { count: number }).count;
  expect(problems(withFast({ crops: count + 1, description: 'd' }))).toContain('card.presets.fast.crops');
  expect(problems(withFast({ dtype: 'int4', description: 'd' }))).toContain('card.presets.fast.dtype');
  expect(problems(withFast({ dtype: 'q8', description: 'd' }))).toContain('card.files.onnxQ8 is missing');
  expect(problems(withFast({ crops: 1 }))).toContain('card.presets.fast.description');
  expect(problems(withFast('fast'))).toContain('card.presets.fast');
});

test('a preset may name its threads: a positive integer', () => {
  expect(validateCard(withFast({ crops: 4, threads: 1, description: 'd' })).presets!.fast!.threads).toBe(1);
  for (const threads of [0, 2.5, '1'])
    expect(problems(withFast({ crops: 4, threads, description: 'd' }))).toContain('card.presets.fast.threads');
});

test('card.runtime is optional; threads, when given, is a positive integer', () => {
  const withRuntime = (runtime: unknown) => withFast({ description: 'd' }, (c) => (c.runtime = runtime));
  expect(validateCard(validCard()).runtime).toBeUndefined();
  expect(validateCard(withRuntime({ threads: 1 })).runtime).toEqual({ threads: 1 });
  expect(validateCard(withRuntime({})).runtime).toEqual({});
  for (const threads of [0, 1.5, -1, '1']) expect(problems(withRuntime({ threads }))).toContain('card.runtime.threads');
  expect(problems(withRuntime('one thread'))).toContain('card.runtime');
});
