/**
 * Panel 7: k-means against a codebook of k pixels drawn at random, side by side with their costs, through
 * compareRandomCodebook(). Runs by itself after the first paint.
 */
import { compareRandomCodebook, type CodebookComparison } from '../../src/index.js';
import { card, fixed, h, Job, ms, paletteStrip, sci, toCanvas, type DemoImage, type Panel } from '../ui.js';

export function codebookPanel(getImage: () => DemoImage | undefined): Panel {
  const { section, controls, body } = card({
    id: 'codebook',
    title: 'k-means against a random codebook',
    mirrors: 'Seed notebook 001 (64 colours by k-means against 64 pixels picked at random), through compareRandomCodebook().',
  });
  const kSelect = h('select', { name: 'codebook-k', 'aria-label': 'k' }, ...[8, 16, 32, 64].map((k) => h('option', { value: k, selected: k === 64 }, `k = ${k}`)));
  const pair = h('div', { class: 'pair images' });
  const verdict = h('p', { class: 'summary', 'data-role': 'codebook-verdict' });

  function figure(role: string, title: string, image: Uint8ClampedArray, width: number, height: number, palette: Uint8Array, cost: number, psnr: number, time: number): HTMLElement {
    return h(
      'figure',
      { 'data-role': role, 'data-cost': cost },
      toCanvas(image, width, height, title),
      h('figcaption', {}, h('strong', {}, title), h('br'), `cost ${sci(cost)} · ${fixed(psnr, 2)} dB · ${ms(time)}`),
      paletteStrip(palette),
    );
  }

  function render(c: CodebookComparison): void {
    const { kmeans, random } = c;
    pair.replaceChildren(
      figure('kmeans', `k-means, k = ${c.k}`, kmeans.image, kmeans.width, kmeans.height, kmeans.palette, kmeans.inertia, kmeans.psnr, kmeans.timings.total),
      figure('random', `Random codebook, k = ${c.k}`, random.image, random.width, random.height, random.palette, random.inertia, random.psnr, random.ms),
    );
    verdict.replaceChildren(
      h('strong', {}, `The random palette costs ${fixed(c.inertiaRatio, 2)}× as much`),
      ` (${fixed(c.psnrGain, 2)} dB less PSNR). Cost: sum over all pixels of the squared RGB distance to their palette colour.`,
    );
  }

  const job = new Job('Compare', async (signal, report) => {
    const image = getImage();
    if (!image) throw new Error('no image yet');
    section.dataset.state = 'running';
    pair.replaceChildren();
    verdict.replaceChildren();
    const k = Number(kSelect.value);
    report(undefined, `k-means and the random codebook at k = ${k}…`);
    const comparison = await compareRandomCodebook(image.data, { k, seed: 0, signal });
    render(comparison);
    section.dataset.state = 'done';
    return `Done: k-means on ${comparison.kmeans.backend === 'webgpu' ? 'WebGPU' : 'the CPU'}, both with seed 0.`;
  });
  kSelect.addEventListener('change', () => void job.run());

  controls.append(kSelect, ...job.elements());
  body.append(pair, verdict);

  return {
    section,
    setImage() {
      job.reset('Waiting for the element’s first result…');
      pair.replaceChildren();
      verdict.replaceChildren();
      delete section.dataset.state;
    },
    idle: () => job.run(),
  };
}
