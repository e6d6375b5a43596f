/**
 * Panel 1: the `<kmeans-quantizer>` element itself, with a k slider, a backend switch and its colour
 * space and dithering (the element's `color-space` and `dither` attributes). The element
 * does the rest: a k change cancels the run in flight and warm-starts from the previous palette.
 */
import '../../src/element/index.js';
import type { Backend, KmeansQuantizerElement, QuantizeResult } from '../../src/element/index.js';
import { card, h, type DemoImage, type Panel } from '../ui.js';

export interface ElementPanel extends Panel {
  element: KmeansQuantizerElement;
  /** Sets k (slider and element). */
  setK(k: number): void;
  /** Whether a live source (the webcam) is on the element. */
  live: boolean;
}

/** Selects for the element's color-space and dither attributes (the dithering panel shows all six at once). */
function attributeSelects(element: KmeansQuantizerElement): HTMLSelectElement[] {
  const choices: ReadonlyArray<readonly [string, string, ReadonlyArray<readonly [string, string]>]> = [
    ['color-space', 'Colour space', [['srgb', 'sRGB'], ['oklab', 'OKLab']]],
    ['dither', 'Dithering', [['none', 'no dithering'], ['ordered', 'ordered dithering'], ['diffusion', 'error diffusion']]],
  ];
  return choices.map(([attribute, label, options]) => {
    const select = h('select', { name: attribute, 'aria-label': label }, ...options.map(([value, text]) => h('option', { value }, text)));
    select.addEventListener('change', () => element.setAttribute(attribute, select.value));
    return select;
  });
}

export function elementPanel(options: { onResult(result: QuantizeResult): void }): ElementPanel {
  const { section, controls, body } = card({
    id: 'element',
    title: '<kmeans-quantizer>: live k, backend, colour space and dithering',
    mirrors: 'All seed notebooks: one image, k colours by k-means. Drag k: the element cancels the run in flight and warm-starts from the last palette.',
    wide: true,
  });

  const element = document.createElement('kmeans-quantizer');
  element.k = 16;
  element.show = 'quantized compare palette stats';

  const slider = h('input', { type: 'range', min: 1, max: 256, step: 1, value: 16, id: 'k-slider', 'aria-label': 'k, the number of colours' });
  const kOut = h('output', { for: 'k-slider', class: 'k-value' }, '16');
  slider.addEventListener('input', () => {
    const k = Number(slider.value);
    kOut.textContent = String(k);
    element.k = k;
  });

  const backends = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Backend' });
  for (const backend of ['auto', 'webgpu', 'cpu'] as const) {
    const input = h('input', { type: 'radio', name: 'backend', value: backend, id: `backend-${backend}`, checked: backend === 'auto' });
    input.addEventListener('change', () => {
      if (input.checked) element.backend = backend as Backend;
    });
    backends.append(h('label', { for: `backend-${backend}` }, input, backend === 'webgpu' ? 'WebGPU' : backend === 'cpu' ? 'CPU' : 'auto'));
  }

  const progress = h('span', { class: 'status', role: 'status', id: 'element-status' });
  let completes = 0;
  element.addEventListener('kmeans-progress', (event) => {
    progress.textContent = `k = ${event.detail.k}: iteration ${event.detail.iteration}…`;
  });
  element.addEventListener('kmeans-complete', (event) => {
    completes++;
    section.dataset.completes = String(completes);
    const r = event.detail;
    progress.textContent = `${r.paletteSize} colours on ${r.backend === 'webgpu' ? 'WebGPU' : 'the CPU'} in ${r.timings.total.toFixed(0)} ms (${r.iterations} iterations)`;
    if (!panel.live) options.onResult(r);
  });
  element.addEventListener('kmeans-error', () => {
    progress.textContent = 'The element reports an error (shown inside it).';
  });

  controls.append(
    h('label', { class: 'k-label', for: 'k-slider' }, 'k'),
    slider,
    kOut,
    backends,
    ...attributeSelects(element),
    progress,
  );
  body.append(element);

  const panel: ElementPanel = {
    section,
    element,
    live: false,
    setImage(image: DemoImage) {
      element.image = image.data;
    },
    setK(k: number) {
      slider.value = String(k);
      kOut.textContent = String(k);
      element.k = k;
    },
  };
  return panel;
}
