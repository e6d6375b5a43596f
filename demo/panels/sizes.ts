/**
 * Panel 8: what quantization buys in size: distinct colours before and after, bits per pixel, raw bytes,
 * and bytes as PNG (truecolour before, indexed PNG-8 after), through countDistinctColours(), bitsPerPixel(),
 * rawSizeBytes() and pngSizes(). Follows the element; the PNG encoding runs in a worker.
 */
import { bitsPerPixel, rawSizeBytes, type QuantizeResult } from '../../src/index.js';
import { bytes, card, debounce, fixed, h, int, type DemoImage, type Panel } from '../ui.js';
import type { SizesReply, SizesRequest } from './sizes-worker.js';

export function sizesPanel(): Panel {
  const { section, body } = card({
    id: 'sizes',
    title: 'Sizes: colours, bits and bytes',
    mirrors: 'Seed notebooks 002 (distinct colours) and 004 (3 bits a pixel for 8 colours; PNG size before and after), through pngSizes() and friends. Follows k above.',
  });
  const table = h('table', { class: 'numbers sizes', 'data-role': 'sizes-table' });
  const summary = h('p', { class: 'summary', 'data-role': 'sizes-summary' }, 'Waiting for the element’s first result…');
  body.append(table, summary);

  const worker = new Worker(new URL('./sizes-worker.ts', import.meta.url), { type: 'module', name: 'demo sizes' });
  const post = (message: SizesRequest, transfer: Transferable[] = []) => worker.postMessage(message, transfer);

  let image: DemoImage | undefined;
  let imageId = 0;
  let seq = 0;
  let pending: QuantizeResult | undefined;
  let pngUrl: string | undefined;

  worker.onmessage = (event: MessageEvent<SizesReply>) => {
    const reply = event.data;
    if (reply.imageId !== imageId || reply.seq !== seq || !image || !pending) return;
    if (reply.type === 'error') {
      summary.textContent = `Could not measure the sizes: ${reply.message}`;
      return;
    }
    render(reply, pending, image);
  };

  function render(reply: Extract<SizesReply, { type: 'sizes' }>, result: QuantizeResult, img: DemoImage): void {
    const { width, height } = img.data;
    const bits = bitsPerPixel(result.paletteSize);
    const { sizes } = reply;
    const row = (label: string, before: string, after: string, note = '') =>
      h('tr', {}, h('th', { scope: 'row' }, label, note ? h('span', { class: 'muted' }, ` ${note}`) : null), h('td', { class: 'num' }, before), h('td', { class: 'num' }, after));
    table.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { scope: 'col' }, 'Original'), h('th', { scope: 'col' }, `Quantized, k = ${result.k}`))),
      h(
        'tbody',
        {},
        row('Distinct colours', int(reply.distinctOriginal), int(reply.distinctQuantized)),
        row('Bits per pixel', '24', String(bits), `(RGB bytes; ⌈log₂ ${result.paletteSize}⌉ bits of index)`),
        row('Raw pixel data', bytes(rawSizeBytes(width, height, 24)), bytes(rawSizeBytes(width, height, bits)), `(${width} × ${height} × bits ÷ 8)`),
        row('PNG, truecolour', bytes(sizes.originalPngBytes), bytes(sizes.rgbaPngBytes)),
        row('PNG-8, indexed', '—', bytes(sizes.indexedPngBytes), `(bit depth ${sizes.indexedBitDepth})`),
        img.file ? row('File as loaded', bytes(img.file.bytes), '—', `(${img.file.type || 'unknown type'})`) : null,
      ),
    );
    if (pngUrl) URL.revokeObjectURL(pngUrl);
    pngUrl = URL.createObjectURL(new Blob([new Uint8Array(reply.indexedPng)], { type: 'image/png' }));
    const base = img.name.replace(/\.[a-z0-9]+$/i, '') || 'image';
    summary.replaceChildren(
      h('strong', {}, `The PNG-8 is ${fixed((100 * sizes.indexedPngBytes) / sizes.originalPngBytes, 1)} % of the original as PNG`),
      ` (${fixed(sizes.originalPngBytes / sizes.indexedPngBytes, 1)}× smaller; every PNG here comes from the same encoder at the same level). `,
      h('a', { href: pngUrl, download: `${base}-k${result.k}.png`, 'data-role': 'png-download' }, 'Download the PNG-8'),
    );
    section.dataset.k = String(result.k);
  }

  const measure = debounce((result: QuantizeResult) => {
    pending = result;
    seq++;
    summary.textContent = 'Encoding PNGs in a worker…';
    post({ type: 'result', imageId, seq, palette: result.palette, labels: result.labels, image: result.image, width: result.width, height: result.height });
  }, 200);

  return {
    section,
    setImage(next: DemoImage) {
      measure.cancel();
      image = next;
      imageId++;
      pending = undefined;
      table.replaceChildren();
      summary.textContent = 'Waiting for the element’s result…';
      delete section.dataset.k;
      post({ type: 'image', imageId, data: next.data.data, width: next.data.width, height: next.data.height });
    },
    setResult(result) {
      measure(result);
    },
  };
}
