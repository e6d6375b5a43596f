/**
 * Panel: dithering against colour space on the current image, side by side: no dithering, ordered and
 * error diffusion, each with the palette fitted in sRGB and in OKLab, at the element's k. One palette is
 * fitted per colour space (quantizer.fit) and painted three ways (quantizer.apply: dithering belongs to
 * the apply step), each measured here in the page: MSE, mean CIEDE2000 and SSIM (qualityReport()) and
 * the size of its PNG-8 (resultToIndexedPng(), the encoder the CLI writes with, fflate's zlib). The six
 * runs go one after another; a new image or a new k cancels them (AbortSignal) and starts again.
 */
import {
  createQuantizer,
  qualityReport,
  resizeImage,
  resultToIndexedPng,
  type AppliedPalette,
  type ColorSpace,
  type DitherMethod,
  type PaletteFit,
  type Quantizer,
  type QuantizeResult,
  type RgbaImage,
} from '../../src/index.js';
import { bytes, card, debounce, fixed, h, Job, ms, toCanvas, type DemoImage, type Panel } from '../ui.js';

/** The copy the comparison runs on is at most this many pixels a side (six runs stay quick). */
const MAX_SIDE = 512;

const SPACES: readonly ColorSpace[] = ['srgb', 'oklab'];
const DITHERS: readonly DitherMethod[] = ['none', 'ordered', 'diffusion'];
const SPACE_NAMES: Record<ColorSpace, string> = { srgb: 'sRGB', oklab: 'OKLab' };
const DITHER_NAMES: Record<DitherMethod, string> = { none: 'no dithering', ordered: 'ordered', diffusion: 'error diffusion' };

/** One painted variant and what was measured on it. */
export interface VariantFigures {
  k: number;
  colorSpace: ColorSpace;
  dither: DitherMethod;
  applied: AppliedPalette;
  mse: number;
  deltaE: number;
  ssim: number;
  pngBytes: number;
  ms: number;
}

function label(space: ColorSpace, dither: DitherMethod): string {
  return `${SPACE_NAMES[space]}, ${DITHER_NAMES[dither]}`;
}

/** Paints `fit` onto `image` with one dithering and measures the picture against the original. */
async function measureVariant(quantizer: Quantizer, image: RgbaImage, fit: PaletteFit, space: ColorSpace, dither: DitherMethod, signal: AbortSignal): Promise<VariantFigures> {
  const started = performance.now();
  const applied = await quantizer.apply(image, fit, { colorSpace: space, dither, signal });
  const elapsed = performance.now() - started;
  const quality = await qualityReport(image, { data: applied.image, width: applied.width, height: applied.height }, { signal });
  const pngBytes = resultToIndexedPng(applied).length;
  return { k: fit.k, colorSpace: space, dither, applied, mse: quality.mse, deltaE: quality.deltaE.mean, ssim: quality.ssim, pngBytes, ms: elapsed };
}

/** The figure of one variant: its picture, and its figures as text and as data attributes (for the tests). */
function variantFigure(v: VariantFigures): HTMLElement {
  const a = v.applied;
  return h(
    'figure',
    {
      'data-role': 'variant',
      'data-k': v.k,
      'data-color-space': v.colorSpace,
      'data-dither': v.dither,
      'data-result-color-space': a.colorSpace,
      'data-result-dither': a.dither,
      'data-mse': v.mse,
      'data-delta-e': v.deltaE,
      'data-ssim': v.ssim,
      'data-png-bytes': v.pngBytes,
    },
    toCanvas(a.image, a.width, a.height, `${label(v.colorSpace, v.dither)}, ${a.paletteSize} colours`),
    h(
      'figcaption',
      {},
      h('strong', {}, label(v.colorSpace, v.dither)),
      h('br'),
      `MSE ${fixed(v.mse, 1)} · ΔE00 ${fixed(v.deltaE, 2)} · SSIM ${fixed(v.ssim, 3)} · PNG-8 ${bytes(v.pngBytes)}`,
      a.ditheredOn ? ` · dithered on ${a.ditheredOn === 'webgpu' ? 'WebGPU' : 'the CPU'}` : '',
    ),
  );
}

/** The six variants as a table, the best value of each column in bold. */
function variantTable(rows: readonly VariantFigures[]): HTMLTableElement {
  const columns: ReadonlyArray<{ title: string; value: (v: VariantFigures) => number; text: (n: number) => string; higherIsBetter?: boolean }> = [
    { title: 'MSE', value: (v) => v.mse, text: (n) => fixed(n, 1) },
    { title: 'mean ΔE00', value: (v) => v.deltaE, text: (n) => fixed(n, 2) },
    { title: 'SSIM', value: (v) => v.ssim, text: (n) => fixed(n, 3), higherIsBetter: true },
    { title: 'PNG-8', value: (v) => v.pngBytes, text: bytes },
    { title: 'apply', value: (v) => v.ms, text: ms },
  ];
  const best = columns.map((c) => {
    const values = rows.map(c.value);
    return c.higherIsBetter ? Math.max(...values) : Math.min(...values);
  });
  return h(
    'table',
    { class: 'numbers', 'data-role': 'variants-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Variant'), ...columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    h(
      'tbody',
      {},
      ...rows.map((v) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, label(v.colorSpace, v.dither)),
          ...columns.map((c, i) => h('td', { class: 'num' }, c.value(v) === best[i] && rows.length > 1 ? h('strong', {}, c.text(c.value(v))) : c.text(c.value(v)))),
        ),
      ),
    ),
  );
}

/** The image the comparison runs on: the current one, downscaled to at most MAX_SIDE a side. */
async function workingCopy(image: DemoImage, signal: AbortSignal): Promise<RgbaImage> {
  const { width, height } = image.data;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (scale === 1) return image.data;
  return resizeImage(image.data, Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { signal });
}

export function ditherPanel(getImage: () => DemoImage | undefined): Panel {
  const { section, controls, body } = card({
    id: 'dither',
    title: 'Dithering and colour space, side by side',
    mirrors: 'No dithering, ordered and error diffusion, on a palette fitted in sRGB and in OKLab, at the k above: MSE, mean CIEDE2000 and SSIM (qualityReport()) and the PNG-8 size (resultToIndexedPng(), as the CLI writes it), all computed in this page.',
    wide: true,
  });
  const note = h('p', { class: 'note', 'data-role': 'variants-note' });
  const gallery = h('div', { class: 'gallery', 'data-role': 'variants' });
  const tableWrap = h('div', { class: 'table-wrap' });
  let quantizer: Quantizer | undefined;
  /** The k of the element's latest result, and the k the panel last ran (or is running) at. */
  let k: number | undefined;
  let ranK: number | undefined;

  function clear(): void {
    gallery.replaceChildren();
    tableWrap.replaceChildren();
    delete section.dataset.state;
    delete section.dataset.k;
  }

  const job = new Job('Compare again', async (signal, report) => {
    const image = getImage();
    if (!image || k === undefined) throw new Error('no image yet');
    const runK = k;
    ranK = runK;
    clear();
    section.dataset.state = 'running';
    report(undefined, 'Downscaling…');
    const input = await workingCopy(image, signal);
    signal.throwIfAborted();
    note.textContent = `k = ${runK}, seed 0, on ${input.width === image.data.width ? 'the image at its size' : 'a copy downscaled to'} ${input.width} × ${input.height}.`;
    quantizer ??= createQuantizer();
    const rows: VariantFigures[] = [];
    for (const space of SPACES) {
      report(rows.length / 6, `Fitting ${runK} colours in ${SPACE_NAMES[space]}…`);
      const fit = await quantizer.fit(input, { k: runK, seed: 0, colorSpace: space, signal });
      signal.throwIfAborted();
      for (const dither of DITHERS) {
        report(rows.length / 6, `${label(space, dither)} (${rows.length + 1} of 6)…`);
        const figures = await measureVariant(quantizer, input, fit, space, dither, signal);
        signal.throwIfAborted(); // a newer run has cleared the panel: draw nothing of this one
        rows.push(figures);
        gallery.append(variantFigure(figures));
        tableWrap.replaceChildren(variantTable(rows));
      }
    }
    section.dataset.k = String(runK);
    section.dataset.state = 'done';
    return `Done: six variants at k = ${runK} on ${rows[0]!.applied.backend === 'webgpu' ? 'WebGPU' : 'the CPU'}.`;
  });

  /** A new k from the element: compare again (after the page has first run the panel for this image). */
  const follow = debounce(() => {
    if (ranK !== undefined && k !== ranK) void job.run();
  }, 300);

  controls.append(...job.elements());
  body.append(note, gallery, tableWrap);

  return {
    section,
    setImage() {
      follow.cancel();
      ranK = undefined;
      job.reset('Waiting for the element’s first result…');
      note.textContent = '';
      clear();
    },
    setResult(result: QuantizeResult) {
      k = result.k;
      follow();
    },
    idle: () => job.run(),
  };
}
