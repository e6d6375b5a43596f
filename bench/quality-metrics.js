// Measures of the picture-quality part of the bench (bench/quality.js), on the PNG files each quantizer
// wrote: decoding with pngjs (a decoder independent of the library's), MSE over R, G, B, MSE after
// compositing over a background (images with alpha), the PNG's chunks (is it a PNG-8, does it carry tRNS),
// crops, the butteraugli distance and the alpha test image. Pure helpers; no figures here.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Decodes a PNG file to { data: RGBA Uint8Array, width, height } (palette, tRNS and grey expanded). */
export function readPngRgba(path) {
  const png = PNG.sync.read(readFileSync(path));
  return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
}

/** Encodes RGBA bytes as an RGBA (or, with `rgb`, RGB) PNG buffer. */
export function pngBytes(image, { rgb = false } = {}) {
  const png = new PNG({ width: image.width, height: image.height, colorType: rgb ? 2 : 6, inputHasAlpha: true });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: rgb ? 2 : 6, inputHasAlpha: true, deflateLevel: 6 });
}

export function sha12(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/** Mean over pixels and the R, G, B channels of the squared difference of two RGBA images. */
export function mseRgb(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    const dr = a[i] - b[i];
    const dg = a[i + 1] - b[i + 1];
    const db = a[i + 2] - b[i + 2];
    sum += dr * dr + dg * dg + db * db;
  }
  return sum / ((a.length / 4) * 3);
}

/**
 * MSE over R, G, B of two RGBA images after compositing each over an opaque grey level `background`
 * (0 = black, 255 = white): c * a / 255 + background * (1 - a / 255), in floating point.
 */
export function compositeMse(a, b, background) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    const wa = a[i + 3] / 255;
    const wb = b[i + 3] / 255;
    for (let c = 0; c < 3; c++) {
      const d = a[i + c] * wa + background * (1 - wa) - (b[i + c] * wb + background * (1 - wb));
      sum += d * d;
    }
  }
  return sum / ((a.length / 4) * 3);
}

/** IHDR's colour type and bit depth, the PLTE entry count and whether a tRNS chunk is present. */
export function pngInfo(bytes) {
  const info = { colourType: undefined, bitDepth: undefined, paletteEntries: 0, tRNS: false, tRNSEntries: 0 };
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = at + 8;
    if (type === 'IHDR') {
      info.bitDepth = bytes[data + 8];
      info.colourType = bytes[data + 9];
    } else if (type === 'PLTE') info.paletteEntries = length / 3;
    else if (type === 'tRNS') {
      info.tRNS = true;
      info.tRNSEntries = length;
    } else if (type === 'IEND') break;
    at = data + length + 4;
  }
  return info;
}

/** A `width` x `height` crop of an RGBA image centred in it. */
export function centreCrop(image, width, height) {
  const w = Math.min(width, image.width);
  const h = Math.min(height, image.height);
  const x0 = (image.width - w) >> 1;
  const y0 = (image.height - h) >> 1;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) data.set(image.data.subarray(((y0 + y) * image.width + x0) * 4, ((y0 + y) * image.width + x0 + w) * 4), y * w * 4);
  return { data, width: w, height: h, x0, y0 };
}

/** Debian's butteraugli on two PNG files: the max distance it prints, or { error }. */
export function butteraugli(reference, candidate, timeoutS = 600) {
  const started = performance.now();
  const r = spawnSync('butteraugli', [reference, candidate], { encoding: 'utf8', timeout: timeoutS * 1000, killSignal: 'SIGKILL' });
  const seconds = (performance.now() - started) / 1000;
  const value = Number.parseFloat(String(r.stdout ?? '').trim().split(/\s+/).at(-1));
  if (r.status !== 0 || !Number.isFinite(value)) {
    const why = r.error?.code === 'ETIMEDOUT' ? `timed out (> ${timeoutS} s)` : (`${r.stderr ?? ''}`.trim().split('\n').at(-1) || r.error?.message || `exit ${r.status}`);
    return { error: `butteraugli: ${why}`, seconds };
  }
  return { distance: value, seconds };
}

/**
 * The alpha test image: `photo` (RGBA) with alpha falling off radially (opaque inside half the
 * ellipse that touches the borders, smoothstep down to 0 at the ellipse, fully transparent outside it,
 * where the photo's colours stay under alpha 0) and a vertical band at 62-72 % of the width whose alpha is
 * halved. The RGB is the photo's everywhere.
 */
export function alphaTestImage(photo) {
  const { width, height } = photo;
  const data = new Uint8Array(photo.data);
  const bandFrom = Math.round(width * 0.62);
  const bandTo = Math.round(width * 0.72);
  for (let y = 0; y < height; y++) {
    const dy = (y + 0.5 - height / 2) / (height / 2);
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5 - width / 2) / (width / 2);
      const r = Math.sqrt(dx * dx + dy * dy);
      const t = Math.min(1, Math.max(0, (r - 0.5) / 0.5));
      let alpha = 255 * (1 - t * t * (3 - 2 * t));
      if (x >= bandFrom && x < bandTo) alpha *= 0.5;
      data[(y * width + x) * 4 + 3] = Math.round(alpha);
    }
  }
  return { data, width, height };
}
