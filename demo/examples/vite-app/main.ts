import { quantize } from 'kmeans-quantizer';
import 'kmeans-quantizer/element'; // defines <kmeans-quantizer>

// A small picture to work on: a 96 x 64 gradient (any ImageData, <img>, <canvas> or <video> works too).
const width = 96;
const height = 64;
const picture = new ImageData(width, height);
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    picture.data.set([(x * 255) / (width - 1), (y * 255) / (height - 1), 128, 255], (y * width + x) * 4);
  }
}

const text = (id: string, value: string): void => {
  document.getElementById(id)!.textContent = value;
};

// The library: fit 8 colours and list them.
quantize(picture, { k: 8, seed: 1 }).then(
  (result) => {
    text('palette-size', String(result.paletteSize));
    text('backend', result.backend);
    const list = document.getElementById('swatches')!;
    for (let i = 0; i < result.paletteSize; i++) {
      const [r, g, b] = result.palette.subarray(i * 3, i * 3 + 3);
      const item = document.createElement('li');
      item.textContent = `rgb(${r}, ${g}, ${b})`;
      item.style.borderLeft = `2em solid rgb(${r}, ${g}, ${b})`;
      list.append(item);
    }
  },
  (error: unknown) => text('palette-size', `failed: ${String(error)}`),
);

// The element: hand it the same picture; kmeans-complete carries the full result.
const element = document.querySelector('kmeans-quantizer')!;
element.addEventListener('kmeans-complete', (event) => text('element-status', `${event.detail.paletteSize} colours, ${event.detail.iterations} iterations`));
element.addEventListener('kmeans-error', (event) => text('element-status', `failed: ${String(event.detail.error)}`));
element.image = picture;
