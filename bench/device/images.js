/**
 * The device check's inputs, made from the shipped photo: bilinear upscales to a given size, and a
 * "moving video" of frames that scroll down a taller upscale a few rows at a time (each frame is a view
 * into that one image: no copy, so making frames costs nothing inside the timed loop).
 */

/** `src` ({ data, width, height }, RGBA8) resized to width x height, bilinear. */
export function upscale(src, width, height) {
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = (src.width - 1) / Math.max(1, width - 1);
  const sy = (src.height - 1) / Math.max(1, height - 1);
  for (let y = 0; y < height; y++) {
    const fy = y * sy;
    const y0 = Math.floor(fy);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = x * sx;
      const x0 = Math.floor(fx);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const wx = fx - x0;
      const a = (y0 * src.width + x0) * 4;
      const b = (y0 * src.width + x1) * 4;
      const c = (y1 * src.width + x0) * 4;
      const d = (y1 * src.width + x1) * 4;
      const o = (y * width + x) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const top = src.data[a + ch] * (1 - wx) + src.data[b + ch] * wx;
        const bottom = src.data[c + ch] * (1 - wx) + src.data[d + ch] * wx;
        out[o + ch] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return { data: out, width, height };
}

/**
 * Frames of width x height scrolling `step` rows a frame over `count` frames: `frame(i)` (i modulo
 * count) is a view into one upscale of `src` that is (count - 1) * step rows taller than a frame.
 */
export function scrollingVideo(src, width, height, count, step = 2) {
  const tall = upscale(src, width, height + (count - 1) * step);
  const rowBytes = width * 4;
  return {
    count,
    frame(i) {
      const start = ((i % count) * step) * rowBytes;
      return { data: tall.data.subarray(start, start + height * rowBytes), width, height };
    },
  };
}

/** The middle value (the lower one of an even count), or undefined for none. */
export function median(values) {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1];
}

/** The p-th quantile (0..1) by nearest rank. */
export function quantile(values, p) {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** A number rounded to `digits` decimals (undefined and null kept). */
export const round = (x, digits = 2) => (x === undefined || x === null ? x : Number(x.toFixed(digits)));

/** A size as the report names it: 1920x1080. */
export const sizeName = ([w, h]) => `${w}x${h}`;

/** Rows a frame of a scrolling video moves by. */
export const STEP = 2;

/** The wall-time figures of a list of timed calls (each with `wallMs`), and the calls. */
export function wallSummary(calls, pick) {
  const wall = pick('wallMs');
  return { n: calls.length, medianMs: median(wall), minMs: Math.min(...wall), maxMs: Math.max(...wall), medianIterations: median(pick('iterations')), calls };
}
