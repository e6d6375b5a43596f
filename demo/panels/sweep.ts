/**
 * Panel 3: the k sweep gallery (k = 1, 2, 4, 8, 16, 32) and the same sweep as an animated GIF. Runs by
 * itself after the first paint, on a copy of at most 512 pixels a side (seed notebook 000 works at 512).
 */
import { resizeImage, sweep, sweepGif, type SweepResult } from '../../src/index.js';
import { bytes, card, fixed, h, Job, ms, toCanvas, type DemoImage, type Panel } from '../ui.js';

const KS = [1, 2, 4, 8, 16, 32];
const MAX_SIDE = 512;

export function sweepPanel(getImage: () => DemoImage | undefined): Panel {
  const { section, controls, body } = card({
    id: 'sweep',
    title: 'k sweep: 1, 2, 4, 8, 16, 32 colours',
    mirrors: 'Seed notebook 000 (gallery of k = 1 … 32) and 003 (the sweep as an animated GIF), through sweep() and sweepGif().',
    wide: true,
  });
  const gallery = h('div', { class: 'gallery', 'data-role': 'gallery' });
  const gifFigure = h('figure', { class: 'gif' });
  const sizeNote = h('p', { class: 'note' });
  let gifUrl: string | undefined;

  function clear(): void {
    gallery.replaceChildren();
    gifFigure.replaceChildren();
    if (gifUrl) URL.revokeObjectURL(gifUrl);
    gifUrl = undefined;
    delete section.dataset.state;
  }

  function render(result: SweepResult, width: number, height: number, name: string): void {
    gallery.replaceChildren(
      ...result.results.map((entry) => {
        const r = entry.result;
        return h(
          'figure',
          { 'data-k': entry.k },
          toCanvas(r.image, r.width, r.height, `Quantized to ${r.paletteSize} colours`),
          h('figcaption', {}, h('strong', {}, `k = ${entry.k}`), ` · ${fixed(r.psnr, 1)} dB · ${ms(entry.ms)}${entry.warmStarted ? ' · warm' : ''}`),
        );
      }),
    );
    const gif = sweepGif(result, { delayMs: 700, lastDelayMs: 1600 });
    if (gifUrl) URL.revokeObjectURL(gifUrl);
    gifUrl = URL.createObjectURL(new Blob([new Uint8Array(gif)], { type: 'image/gif' }));
    const base = name.replace(/\.[a-z0-9]+$/i, '') || 'image';
    gifFigure.replaceChildren(
      h('img', { src: gifUrl, alt: `Animated GIF: the image at k = ${KS.join(', ')}`, width, height, 'data-role': 'sweep-gif' }),
      h(
        'figcaption',
        {},
        `Animated sweep GIF, ${result.results.length} frames, ${bytes(gif.length)}. `,
        h('a', { href: gifUrl, download: `${base}-kmeans-sweep.gif`, 'data-role': 'gif-download' }, 'Download the GIF'),
      ),
    );
  }

  const job = new Job('Run sweep again', async (signal, report) => {
    const image = getImage();
    if (!image) throw new Error('no image yet');
    clear();
    section.dataset.state = 'running';
    const { width, height } = image.data;
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const hgt = Math.max(1, Math.round(height * scale));
    sizeNote.textContent =
      scale < 1 ? `Runs on a copy downscaled to ${w} × ${hgt} (seed notebook 000 resizes to 512 first).` : `Runs on the image at its size, ${w} × ${hgt}.`;
    report(undefined, 'Downscaling…');
    const input = scale < 1 ? await resizeImage(image.data, w, hgt, { signal }) : image.data;
    const started = performance.now();
    const result = await sweep(input, {
      ks: KS,
      seed: 0,
      signal,
      onProgress: (p) => {
        if (p.k !== undefined) report(p.done / p.total, `k = ${p.k} (${p.done + 1} of ${p.total})${p.lloyd ? `, iteration ${p.lloyd.iteration}` : ''}`);
      },
    });
    render(result, w, hgt, image.name);
    section.dataset.state = 'done';
    return `Done in ${ms(performance.now() - started)} on ${result.results[0]!.result.backend === 'webgpu' ? 'WebGPU' : 'the CPU'}; each k starts from the previous palette.`;
  });

  controls.append(...job.elements());
  body.append(sizeNote, h('div', { class: 'sweep-layout' }, gallery, gifFigure));

  return {
    section,
    setImage() {
      job.reset('Waiting for the element’s first result…');
      clear();
    },
    idle: () => job.run(),
  };
}
