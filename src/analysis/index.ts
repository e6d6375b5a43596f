/**
 * Analysis functions: everything the seed notebooks compute with scikit-learn and OpenCV, built on the
 * engine's `quantize()` / `createQuantizer()`. Browser- and Node-safe (no `node:` imports).
 */
export type { AnalysisProgress, AnalysisRunOptions, RgbaImage } from './common.js';
export { sweep, DEFAULT_SWEEP_KS, type SweepEntry, type SweepOptions, type SweepResult } from './sweep.js';
export { elbow, findKnee, type ElbowOptions, type ElbowPoint, type ElbowResult } from './elbow.js';
export { channelHistograms, type ChannelHistogramOptions, type ChannelHistograms } from './histogram.js';
export { bitsPerPixel, countDistinctColours, rawSizeBytes } from './size.js';
export {
  decodePng,
  decodePngAsync,
  encodeIndexedPng,
  encodePng,
  indexedBitDepth,
  pngSizes,
  resultToIndexedPng,
  resultToIndexedPngAsync,
  type DecodedPngImage,
  type IndexedImage,
  type IndexedResultLike,
  type PngColourType,
  type PngEncodeOptions,
  type PngSizes,
  type TruecolourPngOptions,
  type PngDecodeOptions,
  type ZlibDeflate,
  type ZlibDeflateAsync,
  type ZlibInflate,
  type ZlibInflateStream,
} from './png.js';
export {
  compareRandomCodebook,
  randomCodebook,
  type CodebookComparison,
  type CodebookComparisonOptions,
  type RandomCodebookOptions,
  type RandomCodebookResult,
} from './baseline.js';
export {
  quantizePerChannel,
  quantizeValues,
  type PerChannelOptions,
  type PerChannelResult,
  type ValueLevels,
  type ValueMethod,
  type ValueQuantizeOptions,
  type ValueQuantizeResult,
} from './values.js';
export { compositedMse, compositedMseOver, type Background } from './composite.js';
export { resizeImage, type ResizedImage, type ResizeFilter, type ResizeOptions } from './resize.js';
export { ciede2000, srgbToLab, type Ciede2000Weights, type Lab } from './colour.js';
export { qualityReport, ssim, type QualityOptions, type QualityReport } from './quality.js';
export { paletteToCss, paletteToGpl, paletteToJson, type PaletteJsonEntry } from './palette-export.js';
export {
  MAX_PALETTE_COLOURS,
  paletteFileFormat,
  paletteFromGpl,
  paletteFromJson,
  paletteFromPng,
  readPalette,
  type PaletteFileFormat,
} from './palette-import.js';
export { sweepGif, type GifFrame, type SweepGifOptions } from './gif.js';
