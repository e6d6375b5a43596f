/**
 * The animated sweep of seed notebook 003: one GIF frame per k. Frames are encoded by gifenc with their own
 * palette and labels (each has at most 256 colours, so no second quantization happens: the frames show
 * exactly the quantized images).
 */
import { GIFEncoder } from 'gifenc';
import { checkDimension, checkInteger, checkOptions, checkPalette, rangeError, typeError } from './common.js';
import type { SweepResult } from './sweep.js';

/** One frame: palette indices and their colours. */
export interface GifFrame {
  /** RGB bytes, 3 per colour, 1 to 256 colours. */
  palette: Uint8Array;
  /** One palette index per pixel, row by row. */
  labels: Uint8Array;
  width: number;
  height: number;
}

export interface SweepGifOptions {
  /** Display time of each frame in milliseconds (GIF stores hundredths of a second). @default 500 */
  delayMs?: number;
  /** Display time of the last frame, so that the best one stays on screen a while. @default delayMs */
  lastDelayMs?: number;
  /** How often the animation plays: 0 loops forever. @default 0 */
  loops?: number;
}

/**
 * Encodes a sweep (or frames of palette + labels, all of one size) as an animated GIF, one frame per
 * entry in order. Throws `TypeError`/`RangeError` naming the bad argument.
 */
export function sweepGif(frames: SweepResult | readonly GifFrame[], options: SweepGifOptions = {}): Uint8Array {
  let list: readonly GifFrame[];
  if (Array.isArray(frames)) list = frames;
  else if (typeof frames === 'object' && frames !== null && Array.isArray((frames as SweepResult).results)) list = (frames as SweepResult).results.map((entry) => entry.result);
  else throw typeError('frames', 'a sweep result or an array of { palette, labels, width, height }', frames);
  if (list.length === 0) throw rangeError('frames.length', 'at least 1', 0);
  const o = checkOptions('options', options, ['delayMs', 'lastDelayMs', 'loops']);
  const delayMs = checkInteger('options.delayMs', o.delayMs ?? 500, 0, 655350);
  const lastDelayMs = checkInteger('options.lastDelayMs', o.lastDelayMs ?? delayMs, 0, 655350);
  const loops = checkInteger('options.loops', o.loops ?? 0, 0, 65535);

  const first = list[0]!;
  const width = checkDimension('frames[0].width', first.width, 65535);
  const height = checkDimension('frames[0].height', first.height, 65535);
  const checked = list.map((frame, i) => {
    if (typeof frame !== 'object' || frame === null) throw typeError(`frames[${i}]`, 'an object { palette, labels, width, height }', frame);
    if (frame.width !== width || frame.height !== height) throw rangeError(`frames[${i}]`, `the first frame's size ${width}x${height}`, `${String(frame.width)}x${String(frame.height)}`);
    const palette = checkPalette(`frames[${i}].palette`, frame.palette);
    const labels = frame.labels;
    if (!(labels instanceof Uint8Array)) throw typeError(`frames[${i}].labels`, 'a Uint8Array of palette indices', labels);
    if (labels.length !== width * height) throw rangeError(`frames[${i}].labels.length`, `width*height = ${width * height}`, labels.length);
    const colours = palette.length / 3;
    for (let p = 0; p < labels.length; p++) {
      if (labels[p]! >= colours) throw rangeError(`frames[${i}].labels[${p}]`, `a palette index below ${colours}`, labels[p]);
    }
    const triples: number[][] = [];
    for (let j = 0; j < colours; j++) triples.push([palette[j * 3]!, palette[j * 3 + 1]!, palette[j * 3 + 2]!]);
    return { labels, triples };
  });

  const gif = GIFEncoder();
  checked.forEach(({ labels, triples }, i) => {
    gif.writeFrame(labels, width, height, {
      palette: triples,
      delay: i === checked.length - 1 ? lastDelayMs : delayMs,
      repeat: loops,
    });
  });
  gif.finish();
  return gif.bytes();
}
