/**
 * Where a frame comes from and where it goes, on the GPU: a source's size, its copy into a texture the
 * unpacking kernel reads (`copyExternalImageToTexture`; a caller's texture is read as it is), and the
 * quantized frame's copy into a canvas (its WebGPU context, configured once per canvas and device) or a
 * caller's texture. No pixel passes through the host.
 */
import { isGpuTexture, type FrameSource, type FrameTarget } from '../frame.js';
import { QuantizerRangeError, QuantizerTypeError, rangeError, typeError } from '../errors.js';
import { RENDER_ATTACHMENT, TEXTURE_BINDING, TEXTURE_COPY_DST } from './usage.js';

/** A frame's size in pixels. */
export interface FrameSize {
  width: number;
  height: number;
}

/** Texture formats the unpacking kernel reads as bytes (textureLoad swizzles bgra to rgba). */
const READABLE_FORMATS: ReadonlySet<string> = new Set(['rgba8unorm', 'bgra8unorm']);

/** The size of a frame source; a RangeError for one with no pixels yet (a video before its first frame). */
export function sourceSize(source: FrameSource): FrameSize {
  const s = source as unknown as Record<string, unknown>;
  const [width, height] =
    typeof s.videoWidth === 'number' ? [s.videoWidth, s.videoHeight]
    : typeof s.displayWidth === 'number' ? [s.displayWidth, s.displayHeight]
    : typeof s.naturalWidth === 'number' ? [s.naturalWidth, s.naturalHeight]
    : [s.width, s.height];
  if (typeof width !== 'number' || typeof height !== 'number') throw typeError('frame', 'an ImageBitmap, ImageData, image, video, VideoFrame, canvas or GPUTexture', source, 'INVALID_IMAGE');
  if (width < 1 || height < 1) throw new QuantizerRangeError('INVALID_IMAGE', `frame has no pixels yet (${width}x${height}): a video before its first frame, or an empty image`, 'frame');
  return { width, height };
}

/** Checks a caller's source texture: readable as bytes, bindable, 2-D. */
export function checkSourceTexture(texture: GPUTexture): void {
  if (!READABLE_FORMATS.has(texture.format)) throw typeError('frame texture', "format 'rgba8unorm' or 'bgra8unorm'", texture.format, 'INVALID_IMAGE');
  if ((texture.usage & TEXTURE_BINDING) === 0) throw typeError('frame texture', 'a texture with TEXTURE_BINDING usage', `usage ${texture.usage}`, 'INVALID_IMAGE');
  if (texture.dimension !== '2d' || texture.sampleCount !== 1) throw typeError('frame texture', 'a 2-D texture with one sample', `${texture.dimension}, ${texture.sampleCount} samples`, 'INVALID_IMAGE');
}

/** The texture the frame path reads from, and whether a `copyExternalImageToTexture` filled it. */
export interface ReadableFrame {
  view: GPUTextureView;
  copied: boolean;
}

/**
 * Copies `source` into `texture` (rgba8unorm, the frame's size) with `copyExternalImageToTexture`, unless
 * it is a texture itself (checked by checkSourceTexture before any GPU work), which is read where it is.
 */
export function readableFrame(device: GPUDevice, source: FrameSource, texture: () => GPUTexture, size: FrameSize): ReadableFrame {
  if (isGpuTexture(source)) return { view: source.createView(), copied: false };
  const into = texture();
  device.queue.copyExternalImageToTexture({ source: source as GPUCopyExternalImageSource, flipY: false }, { texture: into, premultipliedAlpha: false, colorSpace: 'srgb' }, [size.width, size.height]);
  return { view: into.createView(), copied: true };
}

/** Canvases configured for the frame path, with the device they were configured for. */
const configured = new WeakMap<object, { context: GPUCanvasContext; device: GPUDevice }>();

/**
 * Checks a target and readies it (a canvas: sized to the frame, its WebGPU context configured rgba8unorm
 * and opaque), before any GPU work, so that a bad one throws its own typed error; returns the getter of
 * the texture to copy the quantized frame into (a canvas's current texture, taken when encoding).
 */
export function prepareTarget(device: GPUDevice, target: FrameTarget, size: FrameSize): () => GPUTexture {
  if (isGpuTexture(target)) {
    if (target.format !== 'rgba8unorm' || (target.usage & TEXTURE_COPY_DST) === 0) {
      throw typeError('option "target"', 'an rgba8unorm texture with COPY_DST usage', `${target.format}, usage ${target.usage}`);
    }
    if (target.width !== size.width || target.height !== size.height) throw rangeError('option "target"', `a texture of the frame's size, ${size.width}x${size.height}`, `${target.width}x${target.height}`);
    return () => target;
  }
  if (target.width !== size.width) target.width = size.width;
  if (target.height !== size.height) target.height = size.height;
  let entry = configured.get(target);
  if (!entry || entry.device !== device) {
    const context = (target as HTMLCanvasElement).getContext('webgpu');
    if (!context) throw new QuantizerTypeError('INVALID_TYPE', 'option "target": this canvas has no WebGPU context (it already has a 2d or WebGL one); give the frame path a canvas of its own', 'target');
    context.configure({ device, format: 'rgba8unorm', usage: TEXTURE_COPY_DST | RENDER_ATTACHMENT, alphaMode: 'opaque' });
    entry = { context, device };
    configured.set(target, entry);
  }
  const { context } = entry;
  return () => context.getCurrentTexture();
}
