/** Types of the parts of the `gifenc` package (which ships none) that the analysis modules use. */
declare module 'gifenc' {
  export interface GifFrameOptions {
    /** Colours of this frame, [r, g, b] each; the first frame's becomes the global colour table. */
    palette?: ReadonlyArray<readonly number[]>;
    /** Frame delay in milliseconds (stored in hundredths of a second). */
    delay?: number;
    /** Loop count of the animation (first frame only): 0 forever, -1 no loop extension. */
    repeat?: number;
    transparent?: boolean;
    transparentIndex?: number;
    dispose?: number;
  }
  export interface GifEncoderInstance {
    writeFrame(index: Uint8Array, width: number, height: number, options?: GifFrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): GifEncoderInstance;
}
