#!/usr/bin/env node
// The cost of dithering and of OKLab (bench/quality.js runs this in a fresh process):
//   node bench/quality-cost.js IMAGE.png K ROUNDS
// Loads the build under test from KMQ_BENCH_DIST (else dist/), reads the image, and calls
// quantize(image, { k, backend: 'cpu', seed: 0, colorSpace, dither }) for each variant below: four warm-up
// rounds, then ROUNDS measured rounds, each round calling every variant once in turn (so that a change of
// the machine's load falls on all of them alike). Prints one JSON line: per variant the totals
// (`timings.total`, ms) of the measured rounds, their median, and what the result says it did.
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export const COST_VARIANTS = [
  { name: 'srgb/none', colorSpace: 'srgb', dither: 'none' },
  { name: 'srgb/diffusion', colorSpace: 'srgb', dither: 'diffusion' },
  { name: 'srgb/ordered', colorSpace: 'srgb', dither: 'ordered' },
  { name: 'oklab/none', colorSpace: 'oklab', dither: 'none' },
  { name: 'oklab/diffusion', colorSpace: 'oklab', dither: 'diffusion' },
];
const WARM_UP_ROUNDS = 4;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main([imagePath, kText, roundsText]) {
  const dist = process.env.KMQ_BENCH_DIST ?? new URL('../dist', import.meta.url).pathname;
  const { quantize } = await import(`file://${join(dist, 'index.node.js')}`);
  const { readImage } = await import(`file://${join(dist, 'node.js')}`);
  const image = await readImage(imagePath);
  const k = Number(kText);
  const rounds = Number(roundsText);
  const runs = Object.fromEntries(COST_VARIANTS.map((v) => [v.name, { ms: [], error: undefined, result: undefined }]));
  for (let round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
    for (const v of COST_VARIANTS) {
      const entry = runs[v.name];
      if (entry.error) continue;
      try {
        const r = await quantize(image, { k, backend: 'cpu', seed: 0, colorSpace: v.colorSpace, dither: v.dither });
        if (round >= WARM_UP_ROUNDS) entry.ms.push(r.timings.total);
        entry.result ??= {
          colorSpace: r.colorSpace,
          dither: r.dither,
          ditheredOn: r.ditheredOn ?? null,
          mse: r.mse,
          labelsHash: createHash('sha256').update(r.labels).digest('hex').slice(0, 12),
        };
      } catch (error) {
        entry.error = `${error?.code ? `${error.code}: ` : ''}${String(error?.message ?? error).split('\n')[0]}`;
      }
    }
  }
  const variants = COST_VARIANTS.map((v) => {
    const { ms, error, result } = runs[v.name];
    return { ...v, error, ms, medianMs: ms.length ? median(ms) : undefined, result };
  });
  process.stdout.write(`${JSON.stringify({ width: image.width, height: image.height, k, rounds, variants })}\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`quality-cost: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
