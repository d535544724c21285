/**
 * TID2013 #22, colour quantisation with dither (MATLAB's `rgb2ind(img, n)`, minimum-variance
 * quantisation with Floyd-Steinberg dithering): a palette of `n` colours from variance-based box
 * splitting of the 5-bit colour histogram, then Floyd-Steinberg error diffusion.
 */
import { rgb, toByte } from './pixels.js';
import type { RgbImage } from './types.js';

interface Bin {
  r: number;
  g: number;
  b: number;
  n: number;
  sr: number;
  sg: number;
  sb: number;
  ss: number;
}
interface Box {
  bins: Bin[];
  n: number;
  sse: number;
}

function boxOf(bins: Bin[]): Box {
  let n = 0,
    sr = 0,
    sg = 0,
    sb = 0,
    ss = 0;
  for (const x of bins) {
    n += x.n;
    sr += x.sr;
    sg += x.sg;
    sb += x.sb;
    ss += x.ss;
  }
  return { bins, n, sse: n > 0 ? ss - (sr * sr + sg * sg + sb * sb) / n : 0 };
}

/** Splits a box along its widest-variance channel where the two halves' summed error is smallest. */
function split(box: Box): [Box, Box] {
  const keys = ['sr', 'sg', 'sb'] as const;
  let best = 0;
  let bestVar = -1;
  for (let c = 0; c < 3; c++) {
    let s = 0;
    let s2 = 0;
    for (const x of box.bins) {
      const m = x[keys[c]!] / x.n;
      s += x[keys[c]!];
      s2 += m * m * x.n;
    }
    const v = s2 - (s * s) / box.n;
    if (v > bestVar) {
      bestVar = v;
      best = c;
    }
  }
  const key = keys[best]!;
  const sorted = [...box.bins].sort((a, b) => a[key] / a.n - b[key] / b.n);
  let tr = 0,
    tg = 0,
    tb = 0,
    tss = 0;
  for (const x of sorted) {
    tr += x.sr;
    tg += x.sg;
    tb += x.sb;
    tss += x.ss;
  }
  let n = 0,
    sr = 0,
    sg = 0,
    sb = 0,
    ss = 0;
  let cut = 1;
  let bestErr = Infinity;
  for (let i = 0; i < sorted.length - 1; i++) {
    const x = sorted[i]!;
    n += x.n;
    sr += x.sr;
    sg += x.sg;
    sb += x.sb;
    ss += x.ss;
    const m = box.n - n;
    const r = tr - sr,
      g = tg - sg,
      b = tb - sb;
    const err = ss - (sr * sr + sg * sg + sb * sb) / n + (tss - ss - (r * r + g * g + b * b) / m);
    if (err < bestErr) {
      bestErr = err;
      cut = i + 1;
    }
  }
  return [boxOf(sorted.slice(0, cut)), boxOf(sorted.slice(cut))];
}

/**
 * A palette of at most `count` colours (flat RGB triples) for the image.
 *
 * @example
 * const palette = buildPalette(image, 16); // Float64Array of 48 values
 */
export function buildPalette(image: RgbImage, count: number): Float64Array {
  const map = new Map<number, Bin>();
  const d = image.data;
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]!,
      g = d[i + 1]!,
      b = d[i + 2]!;
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    let bin = map.get(key);
    if (!bin) {
      bin = { r: r >> 3, g: g >> 3, b: b >> 3, n: 0, sr: 0, sg: 0, sb: 0, ss: 0 };
      map.set(key, bin);
    }
    bin.n++;
    bin.sr += r;
    bin.sg += g;
    bin.sb += b;
    bin.ss += r * r + g * g + b * b;
  }
  const boxes: Box[] = [boxOf([...map.values()])];
  while (boxes.length < count) {
    let pick = -1;
    for (let i = 0; i < boxes.length; i++) {
      if (boxes[i]!.bins.length > 1 && (pick < 0 || boxes[i]!.sse > boxes[pick]!.sse)) pick = i;
    }
    if (pick < 0) break;
    const [a, b] = split(boxes[pick]!);
    boxes.splice(pick, 1, a, b);
  }
  const palette = new Float64Array(boxes.length * 3);
  boxes.forEach((box, i) => {
    let sr = 0,
      sg = 0,
      sb = 0;
    for (const x of box.bins) {
      sr += x.sr;
      sg += x.sg;
      sb += x.sb;
    }
    palette[3 * i] = Math.round(sr / box.n);
    palette[3 * i + 1] = Math.round(sg / box.n);
    palette[3 * i + 2] = Math.round(sb / box.n);
  });
  return palette;
}

/** Maps the image onto `palette` with Floyd-Steinberg error diffusion (left to right rows). */
export function ditherToPalette(image: RgbImage, palette: Float64Array): RgbImage {
  const { width: w, height: h, data } = image;
  const k = palette.length / 3;
  const work = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) work[i] = data[i]!;
  const out = new Uint8Array(data.length);
  const push = (x: number, y: number, er: number, eg: number, eb: number, f: number): void => {
    if (x < 0 || x >= w || y >= h) return;
    const j = (y * w + x) * 3;
    work[j]! += er * f;
    work[j + 1]! += eg * f;
    work[j + 2]! += eb * f;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const r = Math.min(255, Math.max(0, work[i]!));
      const g = Math.min(255, Math.max(0, work[i + 1]!));
      const b = Math.min(255, Math.max(0, work[i + 2]!));
      let best = 0;
      let bestD = Infinity;
      for (let p = 0; p < k; p++) {
        const dr = r - palette[3 * p]!,
          dg = g - palette[3 * p + 1]!,
          db = b - palette[3 * p + 2]!;
        const dd = dr * dr + dg * dg + db * db;
        if (dd < bestD) {
          bestD = dd;
          best = p;
        }
      }
      const pr = palette[3 * best]!,
        pg = palette[3 * best + 1]!,
        pb = palette[3 * best + 2]!;
      out[i] = toByte(pr);
      out[i + 1] = toByte(pg);
      out[i + 2] = toByte(pb);
      const er = r - pr,
        eg = g - pg,
        eb = b - pb;
      push(x + 1, y, er, eg, eb, 7 / 16);
      push(x - 1, y + 1, er, eg, eb, 3 / 16);
      push(x, y + 1, er, eg, eb, 5 / 16);
      push(x + 1, y + 1, er, eg, eb, 1 / 16);
    }
  }
  return rgb(out, w, h);
}

/** #22: `count` colours with Floyd-Steinberg dither. */
export function colourQuantization(image: RgbImage, count: number): RgbImage {
  return ditherToPalette(image, buildPalette(image, count));
}
