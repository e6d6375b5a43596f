/**
 * Panel 5: the distribution of channel values, original against quantized, through channelHistograms().
 * Follows the element: every new result redraws it.
 */
import { channelHistograms, type ChannelHistograms, type QuantizeResult } from '../../src/index.js';
import { COLOURS, makeChart, uPlot } from '../charts.js';
import { card, debounce, fixed, h, type DemoImage, type Panel } from '../ui.js';

type Channel = 'all' | 'r' | 'g' | 'b' | 'luma';

const CHANNELS: [Channel, string][] = [
  ['all', 'R, G and B together'],
  ['r', 'Red'],
  ['g', 'Green'],
  ['b', 'Blue'],
  ['luma', 'Luma'],
];

/** Density of one channel (or of R, G and B pooled, as the notebook's `ravel()` does). */
function density(hist: ChannelHistograms, channel: Channel): number[] {
  const out: number[] = new Array(256).fill(0);
  const sources = channel === 'all' ? [hist.r, hist.g, hist.b] : [channel === 'luma' ? hist.luma! : hist[channel]];
  const total = hist.pixels * sources.length;
  for (const s of sources) for (let v = 0; v < 256; v++) out[v]! += s[v]! / total;
  return out;
}

export function histogramPanel(): Panel {
  const { section, controls, body } = card({
    id: 'histogram',
    title: 'Histogram of channel values',
    mirrors: 'Seed notebook 000 (value density of the original against the quantized image), through channelHistograms(). Follows k above.',
  });
  const select = h('select', { name: 'channel', 'aria-label': 'Channel' }, ...CHANNELS.map(([v, label]) => h('option', { value: v }, label)));
  const chartHost = h('div', { class: 'chart', 'data-chart': 'histogram' });
  const caption = h('p', { class: 'note', 'data-role': 'histogram-caption' }, 'Waiting for the element’s first result…');
  let chart: uPlot | undefined;
  let original: ChannelHistograms | undefined;
  let quantized: ChannelHistograms | undefined;
  let k = 0;

  function draw(): void {
    if (!original || !quantized) return;
    const channel = select.value as Channel;
    const xs = Array.from({ length: 256 }, (_, i) => i);
    const data = [xs, density(original, channel), density(quantized, channel)] as uPlot.AlignedData;
    const used = (data[2] as number[]).filter((d) => d > 0).length;
    caption.textContent = `Original: ${(data[1] as number[]).filter((d) => d > 0).length} of 256 values in use. Quantized to ${k} colours: ${used} of 256, so the density piles up in spikes.`;
    if (chart) {
      chart.setData(data);
      return;
    }
    const bars = uPlot.paths.bars!({ size: [1, 6, 2], align: 0 });
    const steps = uPlot.paths.stepped!({ align: 1 });
    chart = makeChart(
      chartHost,
      {
        scales: { x: { time: false, range: [-1, 256] }, y: { range: (_u, _min, max) => [0, max * 1.05] } },
        series: [
          { label: 'value' },
          { label: 'original', stroke: COLOURS.original, fill: '#64748b55', width: 1, paths: steps, points: { show: false }, value: (_u, v) => (v == null ? '–' : `${fixed(v * 100, 3)} %`) },
          { label: 'quantized', stroke: COLOURS.quantized, fill: '#d9480fcc', width: 1, paths: bars, points: { show: false }, value: (_u, v) => (v == null ? '–' : `${fixed(v * 100, 3)} %`) },
        ],
        axes: [{ label: 'channel value' }, { label: 'density', size: 60, values: (_u, vals) => vals.map((v) => (v == null ? '' : `${+(v * 100).toFixed(2)}%`)) }],
      },
      data,
      260,
    );
  }

  const later = debounce((result: QuantizeResult) => {
    quantized = channelHistograms(result.image);
    k = result.paletteSize;
    section.dataset.k = String(k);
    draw();
  }, 120);

  select.addEventListener('change', draw);
  controls.append(h('label', {}, 'Channel ', select));
  body.append(chartHost, caption);

  return {
    section,
    setImage(image: DemoImage) {
      later.cancel();
      original = channelHistograms(image.data);
      quantized = undefined;
      chart?.destroy();
      chart = undefined;
      chartHost.replaceChildren();
      caption.textContent = 'Waiting for the element’s result…';
    },
    setResult(result) {
      later(result);
    },
  };
}
