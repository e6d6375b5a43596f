/**
 * The alpha test photo: coffee.png with a soft alpha falloff (opaque in an ellipse at the centre, alpha
 * falling smoothly to 0 towards the corners, fully transparent there) and a half-transparent band
 * (alpha 128) across it; under the transparent pixels the photo's RGB stays, so it must not matter.
 */
import { loadCoffee, type TestImage } from './images.js';

/** Alpha of pixel (x, y) of a w x h image: the falloff and the band. */
export function photoAlpha(x: number, y: number, width: number, height: number): number {
  const dx = (x - width / 2) / (width / 2);
  const dy = (y - height / 2) / (height / 2);
  const r = Math.sqrt(dx * dx + dy * dy);
  // Opaque inside r = 0.55, fully transparent from r = 1.05, a smooth ramp between.
  const t = Math.min(1, Math.max(0, (r - 0.55) / 0.5));
  let a = Math.round(255 * (1 - t * t * (3 - 2 * t)));
  // The half-transparent band: rows 45% to 55% of the height.
  if (y >= height * 0.45 && y < height * 0.55) a = Math.min(a, 128);
  return a;
}

/** coffee.png with {@link photoAlpha} as its alpha. */
export function alphaPhoto(): TestImage {
  const image = loadCoffee();
  const { width, height, data } = image;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(y * width + x) * 4 + 3] = photoAlpha(x, y, width, height);
  return image;
}
