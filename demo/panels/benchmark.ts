/**
 * Panel 2: WebGPU against the CPU on the current image at several sizes and k, with how far their outputs
 * differ. Runs on demand (it is the heaviest panel) and can be cancelled between runs.
 */
import { createQuantizer, resizeImage, type QuantizeResult, type Quantizer, type UsedBackend } from '../../src/index.js';
import { COLOURS, compactAxis, makeChart, uPlot } from '../charts.js';
import { card, fixed, h, int, Job, ms, type DemoImage, type Panel } from '../ui.js';

interface AdapterState {
  available: boolean;
  text: string;
  fallback: boolean;
}

interface Row {
  fraction: number;
  width: number;
  height: number;
  k: number;
  backend: UsedBackend;
  /** Median wall-clock milliseconds of one quantize call. */
  msPerRun: number;
  iterations: number;
  msPerIteration: number;
  result: QuantizeResult;
}

const SIZES = [0.25, 0.5, 1] as const;
const KS = [16, 64] as const;

/** What the browser's WebGPU adapter says of itself, or why there is none. */
async function probeAdapter(): Promise<AdapterState> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { available: false, text: 'This browser has no WebGPU (navigator.gpu is missing).', fallback: false };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    adapter = null;
  }
  if (!adapter) return { available: false, text: 'WebGPU is present but offers no adapter here.', fallback: false };
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fallback = Boolean(info.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const name = [info.description, info.vendor, info.architecture, info.device].filter(Boolean).join(' · ') || 'an unnamed adapter';
  return { available: true, text: name, fallback };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function checkbox(name: string, value: number, label: string, checked: boolean): HTMLLabelElement {
  return h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value, checked }), label);
}

function checkedValues(root: HTMLElement, name: string): number[] {
  return [...root.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => Number(i.value));
}

export function benchmarkPanel(getImage: () => DemoImage | undefined): Panel {
  const { section, controls, body } = card({
    id: 'benchmark',
    title: 'WebGPU against the CPU',
    mirrors: 'Seed notebooks 001 and 002 time their k-means runs; here both backends of the library run the same fits on the current image.',
    wide: true,
  });

  const adapterLine = h('p', { class: 'adapter', 'data-role': 'adapter' }, 'WebGPU: looking for an adapter…');
  let adapter: AdapterState | undefined;
  const adapterReady = probeAdapter().then((state) => {
    adapter = state;
    adapterLine.replaceChildren(
      h('strong', {}, state.available ? 'WebGPU adapter: ' : 'No WebGPU: '),
      state.text,
      ...(state.fallback ? [h('span', { class: 'badge warn' }, 'software fallback')] : []),
    );
    if (state.fallback) {
      adapterLine.append(h('span', { class: 'muted' }, ' — a CPU emulating a GPU: its timings say nothing about real graphics hardware.'));
    }
    if (!state.available) adapterLine.append(h('span', { class: 'muted' }, ' The benchmark runs the CPU backend only.'));
    section.dataset.adapter = state.available ? (state.fallback ? 'fallback' : 'hardware') : 'none';
    return state;
  });

  const sizeBoxes = h('fieldset', { class: 'inline' }, h('legend', {}, 'Sizes'), ...SIZES.map((f) => checkbox('size', f, `${f * 100}%`, true)));
  const kBoxes = h('fieldset', { class: 'inline' }, h('legend', {}, 'k'), ...KS.map((k) => checkbox('k', k, String(k), true)));
  const repeats = h('select', { name: 'repeats', 'aria-label': 'Runs per measurement' }, ...[1, 3, 5].map((n) => h('option', { value: n, selected: n === 3 }, `${n} run${n > 1 ? 's' : ''} each`)));

  const note = h(
    'p',
    { class: 'note' },
    'One quantizer per backend, warmed up once first, so device creation and shader compilation are not timed. ',
    'ms per run: wall-clock time of quantizer.quantize(), median of the runs. ms per iteration: time in Lloyd iterations over their number. ',
    'Label agreement: pixels given the same palette index by both (both start from the same centroids).',
  );
  const runChartHost = h('div', { class: 'chart', 'data-chart': 'ms-per-run' });
  const iterChartHost = h('div', { class: 'chart', 'data-chart': 'ms-per-iteration' });
  const charts = h('div', { class: 'pair', hidden: true }, h('figure', {}, runChartHost, h('figcaption', {}, 'ms per run against image size (log scale)')), h('figure', {}, iterChartHost, h('figcaption', {}, 'ms per Lloyd iteration against image size (log scale)')));
  const table = h('table', { class: 'numbers', 'data-role': 'benchmark-table' });
  const tableWrap = h('div', { class: 'table-wrap' }, table);
  let runChart: uPlot | undefined;
  let iterChart: uPlot | undefined;

  const header = h(
    'thead',
    {},
    h('tr', {}, ...['Image', 'k', 'Backend', 'ms / run', 'Iterations', 'ms / iteration', 'CPU ÷ GPU time', 'Label agreement', 'Inertia difference'].map((t) => h('th', { scope: 'col' }, t))),
  );

  function renderTable(rows: Row[]): void {
    const tbody = h('tbody');
    for (const row of rows) {
      const pair = rows.find((r) => r.fraction === row.fraction && r.k === row.k && r.backend !== row.backend);
      let ratio = '—';
      let agreement = '—';
      let inertia = '—';
      if (row.backend === 'webgpu' && pair) {
        const speedup = pair.msPerRun / row.msPerRun;
        ratio = `${fixed(speedup, 2)}×`;
        const a = row.result.labels;
        const b = pair.result.labels;
        let same = 0;
        for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
        agreement = `${fixed((100 * same) / a.length, 2)} %`;
        const diff = (100 * (row.result.inertia - pair.result.inertia)) / pair.result.inertia;
        inertia = Math.abs(diff) < 0.0005 ? '0.000 %' : `${diff > 0 ? '+' : ''}${fixed(diff, 3)} %`;
      }
      tbody.append(
        h(
          'tr',
          { 'data-backend': row.backend },
          h('td', {}, `${row.width} × ${row.height} (${row.fraction * 100}%)`),
          h('td', { class: 'num' }, String(row.k)),
          h(
            'td',
            {},
            h('span', { class: `badge ${row.backend}` }, row.backend === 'webgpu' ? 'WebGPU' : 'CPU'),
            // What the GPU iterations read: the distinct colours it counted, or every pixel.
            row.result.gpu
              ? h('span', { class: 'muted' }, row.result.gpu.distinctColours !== undefined ? ` on ${int(row.result.gpu.distinctColours)} colours` : ' on every pixel')
              : null,
          ),
          h('td', { class: 'num', 'data-value': row.msPerRun }, ms(row.msPerRun)),
          h('td', { class: 'num' }, int(row.iterations)),
          h('td', { class: 'num', 'data-value': row.msPerIteration }, ms(row.msPerIteration)),
          h('td', { class: 'num' }, ratio),
          h('td', { class: 'num' }, agreement),
          h('td', { class: 'num' }, inertia),
        ),
      );
    }
    table.replaceChildren(header.cloneNode(true), tbody);
  }

  function renderCharts(rows: Row[], fractions: number[], ks: number[], backends: UsedBackend[], image: DemoImage): void {
    const xs = fractions.map((f) => Math.round(image.data.width * f) * Math.round(image.data.height * f) / 1e6);
    const series: uPlot.Series[] = [{ label: 'megapixels', value: (_u, v) => (v == null ? '–' : `${fixed(v, 3)} MP`) }];
    const runData: (number | null)[][] = [];
    const iterData: (number | null)[][] = [];
    for (const backend of backends) {
      for (const k of ks) {
        const light = k !== ks[0];
        const stroke = backend === 'webgpu' ? (light ? COLOURS.gpuLight : COLOURS.gpu) : light ? COLOURS.cpuLight : COLOURS.cpu;
        series.push({ label: `${backend === 'webgpu' ? 'WebGPU' : 'CPU'} k=${k}`, stroke, width: 2, points: { size: 7, fill: stroke }, value: (_u, v) => (v == null ? '–' : ms(v)) });
        const pick = (f: number) => rows.find((r) => r.backend === backend && r.k === k && r.fraction === f);
        runData.push(fractions.map((f) => pick(f)?.msPerRun ?? null));
        iterData.push(fractions.map((f) => pick(f)?.msPerIteration ?? null));
      }
    }
    const options = (yLabel: string): Omit<uPlot.Options, 'width' | 'height'> => ({
      series,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [
        { label: 'megapixels', values: (_u, vals) => vals.map((v) => (v == null ? '' : String(+v.toFixed(3)))) },
        { label: yLabel, values: compactAxis, size: 60 },
      ],
      legend: { live: true },
    });
    runChart?.destroy();
    iterChart?.destroy();
    charts.hidden = false;
    runChart = makeChart(runChartHost, options('ms per run'), [xs, ...runData] as uPlot.AlignedData, 240);
    iterChart = makeChart(iterChartHost, options('ms per iteration'), [xs, ...iterData] as uPlot.AlignedData, 240);
  }

  const job = new Job('Run benchmark', async (signal, report) => {
    const image = getImage();
    if (!image) throw new Error('no image yet');
    const state = adapter ?? (await adapterReady);
    const fractions = checkedValues(sizeBoxes, 'size').sort((a, b) => a - b);
    const ks = checkedValues(kBoxes, 'k').sort((a, b) => a - b);
    if (fractions.length === 0 || ks.length === 0) throw new Error('tick at least one size and one k');
    const runs = Number(repeats.value);
    const backends: UsedBackend[] = state.available ? ['cpu', 'webgpu'] : ['cpu'];
    const total = fractions.length * ks.length * backends.length * runs + backends.length;
    let done = 0;
    const rows: Row[] = [];
    section.dataset.state = 'running';
    table.replaceChildren();

    const images = new Map<number, ImageData | { data: Uint8ClampedArray; width: number; height: number }>();
    for (const f of fractions) {
      report(0, `Resizing to ${f * 100}%…`);
      const w = Math.max(1, Math.round(image.data.width * f));
      const hgt = Math.max(1, Math.round(image.data.height * f));
      images.set(f, f === 1 ? image.data : await resizeImage(image.data, w, hgt, { signal }));
    }
    const quantizers = new Map<UsedBackend, Quantizer>(backends.map((b) => [b, createQuantizer({ backend: b, seed: 0 })]));
    try {
      // Warm-up: the GPU device, pipelines and the CPU workers come up here, outside the timings.
      for (const backend of backends) {
        report(done / total, `Warming up ${backend === 'webgpu' ? 'WebGPU' : 'the CPU'}…`);
        await quantizers.get(backend)!.quantize(images.get(fractions[0]!)!, { k: ks[0]!, signal, maxIterations: 5 });
        done++;
      }
      for (const f of fractions) {
        const input = images.get(f)!;
        for (const k of ks) {
          for (const backend of backends) {
            const times: number[] = [];
            const perIteration: number[] = [];
            let last: QuantizeResult | undefined;
            for (let r = 0; r < runs; r++) {
              report(done / total, `${input.width} × ${input.height}, k = ${k}, ${backend === 'webgpu' ? 'WebGPU' : 'CPU'}: run ${r + 1} of ${runs}`);
              const started = performance.now();
              last = await quantizers.get(backend)!.quantize(input, { k, signal });
              times.push(performance.now() - started);
              perIteration.push(last.iterations > 0 ? last.timings.iterations / last.iterations : 0);
              done++;
            }
            rows.push({
              fraction: f,
              width: input.width,
              height: input.height,
              k,
              backend,
              msPerRun: median(times),
              iterations: last!.iterations,
              msPerIteration: median(perIteration),
              result: last!,
            });
            renderTable(rows);
            renderCharts(rows, fractions, ks, backends, image);
          }
        }
      }
    } finally {
      for (const q of quantizers.values()) q.destroy();
      section.dataset.state = signal.aborted ? 'cancelled' : 'done';
    }
    const gpuRows = rows.filter((r) => r.backend === 'webgpu');
    if (gpuRows.length === 0) return `Done: ${rows.length} measurements, CPU only (no WebGPU adapter).`;
    const speedups = gpuRows.map((g) => rows.find((c) => c.backend === 'cpu' && c.k === g.k && c.fraction === g.fraction)!.msPerRun / g.msPerRun);
    const [low, high] = [Math.min(...speedups), Math.max(...speedups)];
    const range = fixed(low, 2) === fixed(high, 2) ? `${fixed(low, 2)}×` : `from ${fixed(low, 2)}× to ${fixed(high, 2)}×`;
    return `Done: ${rows.length} measurements. CPU time ÷ GPU time: ${range} (above 1: the GPU is faster).`;
  });

  controls.append(sizeBoxes, kBoxes, repeats, ...job.elements());
  body.append(adapterLine, note, charts, tableWrap);

  return {
    section,
    setImage() {
      const ran = section.dataset.state !== undefined;
      job.reset(ran ? 'The image changed: run the benchmark again for the new one.' : 'Runs on demand.');
      charts.hidden = true;
      runChart?.destroy();
      iterChart?.destroy();
      runChart = iterChart = undefined;
      runChartHost.replaceChildren();
      iterChartHost.replaceChildren();
      table.replaceChildren();
      delete section.dataset.state;
    },
  };
}
