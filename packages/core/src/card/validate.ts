import { IqaError, describeValue } from '../errors.js';
import type { ModelCard } from './types.js';

type Obj = Record<string, unknown>;

/** Collects every problem in one pass, so a bad card is fixed in one go. */
class Checker {
  readonly problems: string[] = [];

  fail(path: string, what: string, value: unknown): void {
    this.problems.push(`${path}: expected ${what} but received ${describeValue(value)}`);
  }

  obj(v: unknown, path: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    this.fail(path, 'an object', v);
    return undefined;
  }

  str(o: Obj, key: string, path: string, pattern?: RegExp): void {
    const v = o[key];
    if (typeof v !== 'string' || v.length === 0 || (pattern && !pattern.test(v))) {
      this.fail(`${path}.${key}`, pattern ? `a string matching ${pattern}` : 'a non-empty string', v);
    }
  }

  num(
    o: Obj,
    key: string,
    path: string,
    opts: { int?: boolean; min?: number; max?: number; optional?: boolean } = {},
  ): void {
    const v = o[key];
    if (v === undefined && opts.optional) return;
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!opts.int || Number.isInteger(v)) &&
      (opts.min === undefined || v >= opts.min) &&
      (opts.max === undefined || v <= opts.max);
    if (!ok) {
      const bounds = [opts.min !== undefined ? `>= ${opts.min}` : '', opts.max !== undefined ? `<= ${opts.max}` : '']
        .filter(Boolean)
        .join(' and ');
      this.fail(`${path}.${key}`, `${opts.int ? 'an integer' : 'a finite number'}${bounds ? ` ${bounds}` : ''}`, v);
    }
  }

  oneOf(o: Obj, key: string, path: string, allowed: readonly unknown[]): void {
    if (!allowed.includes(o[key]))
      this.fail(`${path}.${key}`, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, o[key]);
  }

  bool(o: Obj, key: string, path: string): void {
    if (typeof o[key] !== 'boolean') this.fail(`${path}.${key}`, 'a boolean', o[key]);
  }

  tuple(o: Obj, key: string, path: string, length: number, positive = false): void {
    const v = o[key];
    if (
      !Array.isArray(v) ||
      v.length !== length ||
      !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))
    ) {
      this.fail(`${path}.${key}`, `an array of ${length} finite${positive ? ' positive' : ''} numbers`, v);
    }
  }

  arr(o: Obj, key: string, path: string, minLength = 0): unknown[] | undefined {
    const v = o[key];
    if (!Array.isArray(v) || v.length < minLength) {
      this.fail(`${path}.${key}`, minLength > 0 ? `an array with at least ${minLength} item(s)` : 'an array', v);
      return undefined;
    }
    return v;
  }

  /** A `CardMeasurement`: the command, runtime and date of a measured number. */
  measured(v: unknown, path: string): void {
    const o = this.obj(v, path);
    if (o) for (const k of ['command', 'runtime', 'date']) this.str(o, k, path);
  }

  strArr(o: Obj, key: string, path: string, minLength = 0): void {
    const v = this.arr(o, key, path, minLength);
    v?.forEach((s, i) => {
      if (typeof s !== 'string' || s.length === 0) this.fail(`${path}.${key}[${i}]`, 'a non-empty string', s);
    });
  }
}

function checkFile(c: Checker, v: unknown, path: string): void {
  const f = c.obj(v, path);
  if (!f) return;
  c.str(f, 'path', path);
  c.str(f, 'sha256', path, /^[0-9a-f]{64}$/);
  c.num(f, 'bytes', path, { int: true, min: 1 });
}

/** A classic model's input: BRISQUE features computed in core, fed to the ONNX graph as `[N, 36]`. */
function checkFeatureInput(c: Checker, input: Obj): void {
  c.oneOf(input, 'features', 'card.input', ['brisque-36']);
  checkBrisqueInput(c, input);
}

/** What both BRISQUE input layouts hold: name, sRGB, OpenCV's grey, the size floor and the protocol. */
function checkBrisqueInput(c: Checker, input: Obj): void {
  const path = 'card.input';
  c.str(input, 'name', path);
  c.oneOf(input, 'colorSpace', path, ['sRGB']);
  c.oneOf(input, 'grey', path, ['opencv-bt601']);
  c.num(input, 'minSize', path, { int: true, min: 16 });
  c.oneOf(input, 'smallImage', path, ['reject']);
  const p = c.obj(input.protocol, `${path}.protocol`);
  if (p) {
    // HOSA (a pixel graph only): non-overlapping patches no larger than the size floor.
    if (p.kind === 'hosa' && input.layout === 'NHWC')
      c.num(p, 'patch', `${path}.protocol`, { int: true, min: 2, max: Number(input.minSize) });
    else {
      c.oneOf(p, 'kind', `${path}.protocol`, ['brisque']);
      c.oneOf(p, 'scales', `${path}.protocol`, [2]);
    }
  }
}

/** A classic model's graph input: `[N, H, W, 3]` RGB levels, the whole image (protocol brisque). */
function checkPixelGraphInput(c: Checker, input: Obj): void {
  c.oneOf(input, 'channels', 'card.input', [3]);
  const range = input.pixelRange;
  if (!Array.isArray(range) || range.length !== 2 || range[0] !== 0 || range[1] !== 255)
    c.fail('card.input.pixelRange', '[0, 255]', range);
  checkBrisqueInput(c, input);
}

/**
 * A patch model's input: `[N, 1, S, S]` grey patches (CNNIQA: BT.601 grey, local contrast normalisation over an odd
 * window with a positive constant) or `[N, 3, S, S]` RGB patches (WaDIQaM-NR: no grey, no normalisation), and a
 * `patches` protocol whose patch fits the size floor.
 */
function checkPatchInput(c: Checker, input: Obj): void {
  const path = 'card.input';
  c.str(input, 'name', path);
  c.oneOf(input, 'channels', path, [1, 3]);
  c.oneOf(input, 'colorSpace', path, ['sRGB']);
  c.tuple(input, 'pixelRange', path, 2);
  if (input.channels === 3) {
    if (input.grey !== undefined) c.fail(`${path}.grey`, 'no grey conversion for RGB patches (channels 3)', input.grey);
    if (input.lcn !== undefined) c.fail(`${path}.lcn`, 'no normalisation for RGB patches (channels 3)', input.lcn);
  } else {
    c.oneOf(input, 'grey', path, ['bt601']);
    const lcn = c.obj(input.lcn, `${path}.lcn`);
    if (lcn) {
      if (!(Number.isInteger(lcn.size) && (lcn.size as number) >= 1 && (lcn.size as number) % 2 === 1))
        c.fail(`${path}.lcn.size`, 'an odd positive integer', lcn.size);
      if (!(typeof lcn.c === 'number' && Number.isFinite(lcn.c) && lcn.c > 0))
        c.fail(`${path}.lcn.c`, 'a positive finite number', lcn.c);
    }
  }
  c.num(input, 'minSize', path, { int: true, min: 1 });
  c.oneOf(input, 'smallImage', path, ['upscale', 'reject']);
  const p = c.obj(input.protocol, `${path}.protocol`);
  if (!p) return;
  c.oneOf(p, 'kind', `${path}.protocol`, ['patches']);
  // The size floor is at least the patch: a smaller image is upscaled or refused before any patch is cut.
  c.num(p, 'size', `${path}.protocol`, { int: true, min: 1, max: Number(input.minSize) || undefined });
  c.num(p, 'stride', `${path}.protocol`, { int: true, min: 1 });
  c.num(p, 'maxPatches', `${path}.protocol`, { int: true, min: 1, optional: true });
}

/** A patch model's per-patch weight output (WaDIQaM-NR): its own name, and only beside patches and no spread. */
function checkPatchWeight(c: Checker, output: Obj, input: Obj | undefined): void {
  const weight = c.obj(output.weight, 'card.output.weight');
  if (!weight) return;
  c.str(weight, 'name', 'card.output.weight');
  c.oneOf(weight, 'kind', 'card.output.weight', ['patch-weight']);
  if (weight.name === output.name)
    c.fail('card.output.weight.name', `an output name other than "${output.name}" (the score's)`, weight.name);
  if (output.spread !== undefined) c.fail('card.output', 'either spread or weight, not both', 'both');
  if (input && input.layout !== 'patches')
    c.fail('card.input.layout', '"patches" (output.weight weighs patches)', input.layout);
}

/**
 * Validates a parsed model card and returns it typed.
 * Throws `IqaError('INVALID_CARD')` listing every bad field by its path.
 *
 * @example
 * const card = validateCard(JSON.parse(text));
 * card.input.protocol; // { kind: 'crops', count: 30, size: 224, seed: 0 }
 */
export function validateCard(value: unknown, source = 'model card'): ModelCard {
  const c = new Checker();
  const root = c.obj(value, 'card');
  if (root) {
    c.oneOf(root, 'schemaVersion', 'card', [1]);
    c.str(root, 'id', 'card', /^[a-z0-9][a-z0-9._-]*$/);
    c.str(root, 'version', 'card', /^\d+\.\d+\.\d+/);
    c.oneOf(root, 'task', 'card', ['nr']);
    c.str(root, 'description', 'card');
    c.str(root, 'licence', 'card');
    c.strArr(root, 'credits', 'card');

    const input = c.obj(root.input, 'card.input');
    // A classic model: features computed in core, or a graph that takes the image's pixels as they are.
    const features = input?.layout === 'features' || input?.layout === 'NHWC';
    if (input && input.layout === 'features') checkFeatureInput(c, input);
    else if (input && input.layout === 'NHWC') checkPixelGraphInput(c, input);
    else if (input && input.layout === 'patches') checkPatchInput(c, input);
    else if (input) {
      c.str(input, 'name', 'card.input');
      c.oneOf(input, 'layout', 'card.input', ['NCHW', 'features', 'NHWC', 'patches']);
      c.oneOf(input, 'channels', 'card.input', [3]);
      c.oneOf(input, 'colorSpace', 'card.input', ['sRGB']);
      c.tuple(input, 'pixelRange', 'card.input', 2);
      c.tuple(input, 'mean', 'card.input', 3);
      c.tuple(input, 'std', 'card.input', 3, true);
      c.num(input, 'minSize', 'card.input', { int: true, min: 1 });
      c.oneOf(input, 'smallImage', 'card.input', ['upscale', 'reject']);
      const p = c.obj(input.protocol, 'card.input.protocol');
      if (p) {
        if (p.kind === 'brisque')
          c.fail(
            'card.input.layout',
            '"NHWC" or "features" (protocol "brisque" takes the image as it is, or its features)',
            input.layout,
          );
        else if (p.kind === 'patches')
          c.fail('card.input.layout', '"patches" (protocol "patches" takes grey patches)', input.layout);
        else c.oneOf(p, 'kind', 'card.input.protocol', ['full', 'crops']);
        if (p.kind === 'crops') {
          c.num(p, 'count', 'card.input.protocol', { int: true, min: 1, max: 1024 });
          c.num(p, 'size', 'card.input.protocol', { int: true, min: 1 });
          c.num(p, 'seed', 'card.input.protocol', { int: true, min: 0 });
        } else if (p.kind === 'full') {
          c.num(p, 'maxSide', 'card.input.protocol', { int: true, min: 1, optional: true });
        }
      }
    }

    const output = c.obj(root.output, 'card.output');
    if (output) {
      c.str(output, 'name', 'card.output');
      c.tuple(output, 'range', 'card.output', 2);
      c.bool(output, 'higherIsBetter', 'card.output');
      c.num(output, 'scale', 'card.output');
      c.num(output, 'offset', 'card.output');
      if (output.spread !== undefined) {
        const spread = c.obj(output.spread, 'card.output.spread');
        if (spread) {
          c.str(spread, 'name', 'card.output.spread');
          c.oneOf(spread, 'kind', 'card.output.spread', ['std']);
          const scale = spread.scale;
          if (!(typeof scale === 'number' && Number.isFinite(scale) && scale > 0))
            c.fail('card.output.spread.scale', 'a positive finite number', scale);
          if (spread.name === output.name)
            c.fail('card.output.spread.name', `an output name other than "${output.name}" (the score's)`, spread.name);
        }
      }
      if (output.weight !== undefined) checkPatchWeight(c, output, input);
    }

    const files = c.obj(root.files, 'card.files');
    if (files) {
      checkFile(c, files.onnx, 'card.files.onnx');
      if (files.onnxFp16 !== undefined) checkFile(c, files.onnxFp16, 'card.files.onnxFp16');
      if (files.onnxQ8 !== undefined) checkFile(c, files.onnxQ8, 'card.files.onnxQ8');
      if (files.svr !== undefined) checkFile(c, files.svr, 'card.files.svr');
    }

    const arch = c.obj(root.architecture, 'card.architecture');
    if (arch) {
      c.str(arch, 'network', 'card.architecture');
      c.str(arch, 'backbone', 'card.architecture');
      // A classic model (features computed in core) has no tapped layers and no pooling.
      c.strArr(arch, 'taps', 'card.architecture', features ? 0 : 1);
      const pooling = c.arr(arch, 'pooling', 'card.architecture', features ? 0 : 1);
      pooling?.forEach((p, i) => {
        if (!['avg', 'std', 'max', 'min'].includes(p as string))
          c.fail(`card.architecture.pooling[${i}]`, 'one of "avg", "std", "max", "min"', p);
      });
      c.num(arch, 'params', 'card.architecture', { int: true, min: 1 });
    }

    const training = c.obj(root.training, 'card.training');
    if (training) {
      c.arr(training, 'data', 'card.training', 1)?.forEach((d, i) => {
        const path = `card.training.data[${i}]`;
        const o = c.obj(d, path);
        if (!o) return;
        c.str(o, 'name', path);
        c.oneOf(o, 'role', path, ['ranking', 'finetune', 'validation', 'calibration', 'codebook']);
        c.num(o, 'images', path, { int: true, min: 0 });
        c.str(o, 'licence', path);
      });
      c.arr(training, 'stages', 'card.training', 1)?.forEach((s, i) => {
        const path = `card.training.stages[${i}]`;
        const o = c.obj(s, path);
        if (!o) return;
        c.str(o, 'name', path);
        c.str(o, 'description', path);
      });
      c.strArr(training, 'commands', 'card.training', 1);
      c.num(training, 'seed', 'card.training', { int: true, min: 0 });
    }

    c.arr(root, 'metrics', 'card')?.forEach((m, i) => {
      const path = `card.metrics[${i}]`;
      const o = c.obj(m, path);
      if (!o) return;
      c.str(o, 'dataset', path);
      c.str(o, 'split', path);
      c.num(o, 'n', path, { int: true, min: 1 });
      c.num(o, 'folds', path, { int: true, min: 2, optional: true });
      c.num(o, 'srcc', path, { min: -1, max: 1 });
      c.num(o, 'plcc', path, { min: -1, max: 1 });
      for (const k of ['krcc', 'plccLogistic']) c.num(o, k, path, { min: -1, max: 1, optional: true });
      c.num(o, 'rmse', path, { min: 0, optional: true });
      if (o.measured !== undefined) c.measured(o.measured, `${path}.measured`);
    });
    if (root.ranking !== undefined) {
      c.arr(root, 'ranking', 'card')?.forEach((r, i) => {
        const path = `card.ranking[${i}]`;
        const o = c.obj(r, path);
        if (!o) return;
        c.str(o, 'set', path);
        c.num(o, 'images', path, { int: true, min: 2 });
        c.num(o, 'references', path, { int: true, min: 1 });
        const checkShare = (v: unknown, at: string): void => {
          const share = c.obj(v, at);
          if (!share) return;
          c.num(share, 'pairs', at, { int: true, min: 1 });
          c.num(share, 'share', at, { min: 0, max: 1 });
        };
        const byType = c.obj(o.byType, `${path}.byType`);
        if (byType) for (const [type, v] of Object.entries(byType)) checkShare(v, `${path}.byType.${type}`);
        checkShare(o.overall, `${path}.overall`);
        c.measured(o.measured, `${path}.measured`);
      });
    }
    const presets = root.presets === undefined ? undefined : c.obj(root.presets, 'card.presets');
    const fast = presets?.fast === undefined ? undefined : c.obj(presets.fast, 'card.presets.fast');
    if (fast) {
      const p = (root.input as Obj | undefined)?.protocol as Obj | undefined;
      c.num(fast, 'crops', 'card.presets.fast', {
        int: true,
        min: 1,
        max: p?.kind === 'crops' ? Number(p.count) : 0,
        optional: true,
      });
      if (fast.dtype !== undefined) {
        c.oneOf(fast, 'dtype', 'card.presets.fast', ['fp32', 'fp16', 'q8']);
        const key = ({ fp32: 'onnx', fp16: 'onnxFp16', q8: 'onnxQ8' } as Record<string, string>)[String(fast.dtype)];
        if (key && !(root.files as Obj | undefined)?.[key])
          c.fail(
            'card.presets.fast.dtype',
            `a dtype whose file the card lists (card.files.${key} is missing)`,
            fast.dtype,
          );
      }
      c.num(fast, 'threads', 'card.presets.fast', { int: true, min: 1, optional: true });
      c.str(fast, 'description', 'card.presets.fast');
    }
    const runtime = root.runtime === undefined ? undefined : c.obj(root.runtime, 'card.runtime');
    if (runtime) c.num(runtime, 'threads', 'card.runtime', { int: true, min: 1, optional: true });
    if (root.speed !== undefined) {
      c.arr(root, 'speed', 'card')?.forEach((v, i) => {
        const path = `card.speed[${i}]`;
        const o = c.obj(v, path);
        if (!o) return;
        c.str(o, 'runtime', path);
        c.str(o, 'image', path, /^\d+x\d+$/);
        c.num(o, 'msPerImage', path, { min: 0 });
        c.num(o, 'cpuMsPerImage', path, { min: 0, optional: true });
        c.str(o, 'machine', path);
        const baseline = o.baseline === undefined ? undefined : c.obj(o.baseline, `${path}.baseline`);
        if (baseline) {
          c.str(baseline, 'model', `${path}.baseline`);
          if (baseline.runtime !== undefined) c.str(baseline, 'runtime', `${path}.baseline`);
          c.num(baseline, 'msPerImage', `${path}.baseline`, { min: 0 });
          c.num(baseline, 'cpuMsPerImage', `${path}.baseline`, { min: 0, optional: true });
        }
        c.measured(o.measured, `${path}.measured`);
      });
    }
  }
  if (c.problems.length > 0) {
    throw new IqaError('INVALID_CARD', `Invalid ${source}:\n  - ${c.problems.join('\n  - ')}`);
  }
  return value as ModelCard;
}
