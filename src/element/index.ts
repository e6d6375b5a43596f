/**
 * The `<kmeans-quantizer>` element entry (dist/element.js): importing it defines the element. Lit and the
 * engine are bundled in, so a plain page needs only `<script type="module" src=".../element.js">`.
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
