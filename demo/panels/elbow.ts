/**
 * Panel 4: cost (inertia) and time against k = 2, 4, …, 64 and the knee of the cost curve, through
 * elbow(). Runs on demand, on a downscaled copy of the image (32 fits of the full photo would take a
 * while on the CPU).
 */
import { elbow, resizeImage, type ElbowResult } from '../../src/index.js';
import { COLOURS, compactAxis, makeChart, uPlot } from '../charts.js';
import { card, h, int, Job, ms, sci, type DemoImage, type Panel } from '../ui.js';

export function elbowPanel(getImage: () => DemoImage | undefined, useK: (k: number) => void): Panel {
  const { section, controls, body } = card({
    id: 'elbow',
    title: 'Elbow: cost and time against k',
    mirrors: 'Seed notebook 002 (cost and execution time for k = 2, 4, …, 64), through elbow(), which also suggests the k at the knee.',
  });
  const workSize = h(
    'select',
    { name: 'elbow-size', 'aria-label': 'Work on a copy of at most this many pixels a side' },
    ...[160, 320, 640].map((s) => h('option', { value: s, selected: s === 320 }, `≤ ${s} px a side`)),
  );
  const note = h('p', { class: 'note' }, 'Runs on a downscaled copy of the image, so that the 32 fits take seconds rather than minutes.');
  const chartHost = h('div', { class: 'chart', 'data-chart': 'elbow' });
  const summary = h('p', { class: 'summary', 'data-role': 'elbow-summary' });
  const details = h('details', { class: 'points', hidden: true });
  let chart: uPlot | undefined;

  function clear(): void {
    chart?.destroy();
    chart = undefined;
    chartHost.replaceChildren();
    summary.replaceChildren();
    details.replaceChildren();
    details.hidden = true;
    delete section.dataset.state;
    delete section.dataset.suggested;
  }

  function render(result: ElbowResult): void {
    const ks = result.points.map((p) => p.k);
    const knee = ks.indexOf(result.suggestedK);
    const kneeSeries = result.points.map((p, i) => (i === knee ? p.inertia : null));
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: false }, cost: {}, ms: {} },
      series: [
        { label: 'k' },
        { label: 'cost (inertia)', scale: 'cost', stroke: COLOURS.cpu, width: 2, points: { size: 5, fill: COLOURS.cpu }, value: (_u, v) => (v == null ? '–' : sci(v)) },
        { label: 'time', scale: 'ms', stroke: COLOURS.time, width: 1.5, dash: [5, 4], points: { size: 4 }, value: (_u, v) => (v == null ? '–' : ms(v)) },
        { label: `suggested k = ${result.suggestedK}`, scale: 'cost', stroke: COLOURS.knee, width: 0, points: { show: true, size: 14, width: 3, stroke: COLOURS.knee, fill: '#fff' }, paths: () => null, value: (_u, v) => (v == null ? '' : sci(v)) },
      ],
      axes: [
        { label: 'k' },
        { scale: 'cost', label: 'cost (inertia)', values: compactAxis, size: 60, stroke: COLOURS.cpu },
        { scale: 'ms', side: 1, label: 'time per fit (ms)', values: compactAxis, size: 55, stroke: COLOURS.time, grid: { show: false } },
      ],
      hooks: {
        draw: [
          (u) => {
            // A dashed vertical line at the suggested k.
            const x = Math.round(u.valToPos(result.suggestedK, 'x', true));
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = COLOURS.knee;
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    chart = makeChart(chartHost, options, [ks, result.points.map((p) => p.inertia), result.points.map((p) => p.ms), kneeSeries] as uPlot.AlignedData, 280);
    const totalMs = result.points.reduce((s, p) => s + p.ms, 0);
    const use = h('button', { type: 'button', class: 'small', 'data-role': 'use-k' }, `Use k = ${result.suggestedK} above`);
    use.addEventListener('click', () => useK(result.suggestedK));
    summary.replaceChildren(h('strong', {}, `Suggested k = ${result.suggestedK}`), ` (knee of the cost curve) · ${result.points.length} fits in ${ms(totalMs)} · `, use);
    const rows = result.points.map((p) =>
      h('tr', { class: p.k === result.suggestedK ? 'hit' : undefined }, h('td', { class: 'num' }, String(p.k)), h('td', { class: 'num' }, int(p.inertia)), h('td', { class: 'num' }, ms(p.ms)), h('td', { class: 'num' }, String(p.iterations))),
    );
    details.hidden = false;
    details.replaceChildren(
      h('summary', {}, `The ${result.points.length} points`),
      h('table', { class: 'numbers', 'data-role': 'elbow-table' }, h('thead', {}, h('tr', {}, ...['k', 'cost', 'time', 'iterations'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows)),
    );
    section.dataset.suggested = String(result.suggestedK);
  }

  const job = new Job('Run elbow', async (signal, report) => {
    const image = getImage();
    if (!image) throw new Error('no image yet');
    clear();
    section.dataset.state = 'running';
    const { width, height } = image.data;
    const side = Number(workSize.value);
    const scale = Math.min(1, side / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const hgt = Math.max(1, Math.round(height * scale));
    note.textContent =
      scale < 1
        ? `Runs on a copy downscaled to ${w} × ${hgt} (${int(w * hgt)} pixels, from ${int(width * height)}), so that the 32 fits take seconds rather than minutes.`
        : `Runs on the image at its size, ${w} × ${hgt}.`;
    report(undefined, 'Downscaling…');
    const input = scale < 1 ? await resizeImage(image.data, w, hgt, { signal }) : image.data;
    const result = await elbow(input, {
      from: 2,
      to: 64,
      step: 2,
      seed: 0,
      signal,
      onProgress: (p) => {
        if (p.k !== undefined) report(p.done / p.total, `k = ${p.k} (${p.done + 1} of ${p.total})`);
      },
    });
    render(result);
    section.dataset.state = 'done';
    return `Done: suggested k = ${result.suggestedK}.`;
  });

  controls.append(workSize, ...job.elements());
  body.append(note, chartHost, summary, details);

  return {
    section,
    setImage() {
      const ran = section.dataset.state !== undefined;
      clear();
      job.reset(ran ? 'The image changed: run it again for the new one.' : 'Runs on demand.');
    },
  };
}
