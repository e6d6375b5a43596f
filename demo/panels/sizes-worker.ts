/**
 * The sizes panel's worker: PNG encoding is synchronous and takes a good part of a second for a photo, so
 * it happens here, off the page's thread. Keeps the current original image between messages.
 */
import { countDistinctColours, pngSizes, resultToIndexedPng, type PngSizes } from '../../src/index.js';

export type SizesRequest =
  | { type: 'image'; imageId: number; data: Uint8ClampedArray; width: number; height: number }
  | { type: 'result'; imageId: number; seq: number; palette: Uint8Array; labels: Uint8Array; image: Uint8ClampedArray; width: number; height: number };

export type SizesReply =
  | { type: 'sizes'; imageId: number; seq: number; sizes: PngSizes; distinctOriginal: number; distinctQuantized: number; indexedPng: Uint8Array }
  | { type: 'error'; imageId: number; seq: number; message: string };

interface Scope {
  onmessage: ((event: MessageEvent<SizesRequest>) => void) | null;
  postMessage(message: SizesReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as Scope;
let original: { imageId: number; data: Uint8ClampedArray; width: number; height: number; distinct: number } | undefined;

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'image') {
    original = { imageId: request.imageId, data: request.data, width: request.width, height: request.height, distinct: countDistinctColours(request.data) };
    return;
  }
  if (!original || original.imageId !== request.imageId) return;
  try {
    const result = { palette: request.palette, labels: request.labels, image: request.image, width: request.width, height: request.height };
    const sizes = pngSizes(original, result);
    const indexedPng = resultToIndexedPng(result);
    scope.postMessage(
      { type: 'sizes', imageId: request.imageId, seq: request.seq, sizes, distinctOriginal: original.distinct, distinctQuantized: countDistinctColours(request.image), indexedPng },
      [indexedPng.buffer],
    );
  } catch (error) {
    scope.postMessage({ type: 'error', imageId: request.imageId, seq: request.seq, message: error instanceof Error ? error.message : String(error) });
  }
};
