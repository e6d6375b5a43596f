/**
 * kmeans-quantizer: colour quantization with k-means on WebGPU, with a fast CPU path. Public exports only.
 *
 * @module kmeans-quantizer
 */
export { applyPalette, createQuantizer, fitPalette, quantize, type AlphaPaletteInput, type ApplyOptions, type PaletteInput, type Quantizer } from './quantizer.js';
export { remap, type RemapOptions } from './remap.js';
export { FRAME_OPTIONS, MAX_FRAME_ITERATIONS, type FrameOptions, type FrameReadback, type FrameResult, type FrameSource, type FrameStats, type FrameTarget } from './frame.js';
export {
  abortError,
  errorCode,
  GpuUnavailableError,
  isAbortError,
  QuantizerError,
  QuantizerRangeError,
  QuantizerTypeError,
  type ErrorCode,
} from './errors.js';
export {
  OPTIONS,
  optionDefault,
  type Algorithm,
  type Backend,
  type ColorSpace,
  type DitherMethod,
  type GpuIterationInput,
  type InitMethod,
  type ProgressEvent,
  type QuantizeOptions,
  type QuantizerOptions,
  type RGB,
  type UsedBackend,
} from './options.js';
export type { AdapterDescription, AppliedPalette, AutoChoice, GpuRunStats, PaletteFit, QuantizeResult, RunDescription, StageTimings } from './result.js';
export type { BrowserImageSource, QuantizeInput, RawImage } from './image.js';
export { psnrFromMse, measureErrors, type ErrorMetrics } from './metrics.js';
export * from './analysis/index.js';
