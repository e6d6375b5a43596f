/**
 * `remap()`: the documented name for applying a given palette to an image without fitting (a palette
 * file, a brand palette, a palette fitted on other frames). The palette never moves: the result holds it
 * byte for byte, in its order, and every pixel is mapped to one of its colours (nearest, or dithered).
 */
import type { PaletteInput } from './apply.js';
import type { QuantizeInput } from './image.js';
import type { QuantizerOptions } from './options.js';
import { applyPalette, type ApplyOptions } from './quantizer.js';
import type { AppliedPalette } from './result.js';

/** What `remap()` takes: how to map (colorSpace, dither, ditherLevel), where it runs, and cancellation. */
export type RemapOptions = ApplyOptions & Pick<QuantizerOptions, 'gpu' | 'device' | 'maxChunkPixels' | 'gpuIterateOn'>;

/**
 * Maps every pixel of `image` to a colour of `palette` (a fit, RGB bytes, or [r, g, b] colours: 1 to 256
 * of them) without fitting: the same as {@link applyPalette}. `options.dither` and `options.ditherLevel`
 * choose how (default: each pixel its nearest palette colour), `options.colorSpace` where distances are
 * measured. The result's `palette` is the given one, byte for byte.
 */
export function remap(image: QuantizeInput, palette: PaletteInput, options?: RemapOptions): Promise<AppliedPalette> {
  return applyPalette(image, palette, options);
}
