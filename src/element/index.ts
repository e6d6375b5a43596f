/**
 * The `<kmeans-quantizer>` element entry: importing it defines the element. Built twice: as
 * `kmeans-quantizer/element/lit` (dist/element-lit.js), which imports the app's `lit`, so a Lit app has
 * one copy of Lit, and as `kmeans-quantizer/element` (dist/element.js), with Lit bundled in, so a plain
 * page needs only `<script type="module" src=".../element.js">` and a bundled app nothing more.
 *
 * @module kmeans-quantizer/element
 */
export { KmeansQuantizerElement, DEFAULT_SHOW, type KmeansView } from './kmeans-quantizer.js';
export {
  KmeansCompleteEvent,
  KmeansErrorEvent,
  KmeansProgressEvent,
  type KmeansErrorDetail,
  type KmeansProgressDetail,
} from './events.js';
export type { ElementImageSource, LiveImageSource, StillImageSource } from './source.js';
export type { FramePath } from './gpu-route.js';
export type { Backend, QuantizeResult } from '../index.js';
