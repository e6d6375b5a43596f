/**
 * uPlot charts that follow the width of their container. uPlot draws on a canvas and keeps its own legend
 * (the values under the cursor), which is all these panels need.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { contentWidth } from './ui.js';

export { uPlot };

/** Colours of the series, picked to stay apart for common colour-vision deficiencies. */
export const COLOURS = {
  cpu: '#2563eb',
  cpuLight: '#93b4f5',
  gpu: '#d9480f',
  gpuLight: '#f5a97f',
  original: '#64748b',
  quantized: '#d9480f',
  time: '#0f9d58',
  knee: '#b91c1c',
};

/**
 * Makes a chart in `host` (emptied first) that takes the host's width and `height` pixels, and keeps
 * following the host's width. Returns the chart; `destroy()` also stops the resize observer.
 */
export function makeChart(host: HTMLElement, options: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData, height = 260): uPlot {
  host.replaceChildren();
  const chart = new uPlot({ ...options, width: contentWidth(host), height } as uPlot.Options, data, host);
  let lastWidth = contentWidth(host);
  const observer = new ResizeObserver(() => {
    const width = contentWidth(host);
    if (width !== lastWidth) {
      lastWidth = width;
      chart.setSize({ width, height });
    }
  });
  observer.observe(host);
  const destroy = chart.destroy.bind(chart);
  chart.destroy = () => {
    observer.disconnect();
    destroy();
  };
  return chart;
}

/** Axis values of large numbers in compact form (1.2M, 340k). */
export function compactAxis(_u: uPlot, values: (number | null)[]): string[] {
  return values.map((v) => {
    if (v == null) return '';
    const a = Math.abs(v);
    if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
    if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
    if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
    return String(+v.toFixed(3));
  });
}
