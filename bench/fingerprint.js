#!/usr/bin/env node
// Fingerprints of the CPU path's results on the shipped photo, for refactors that must not change them:
// one line per configuration with the palette, labels and output image hashed, and the metrics.
// `node bench/fingerprint.js > before.txt`, change things, rebuild, run again and diff.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const dist = process.argv[2] ?? new URL('../dist/', import.meta.url).href;
const distUrl = dist.endsWith('/') ? dist : `${dist}/`;
// The Node entry (worker_threads); builds from before it existed have only index.js.
const entry = existsSync(new URL('index.node.js', distUrl)) ? 'index.node.js' : 'index.js';
const { quantize, createQuantizer } = await import(new URL(entry, distUrl).href);
const png = PNG.sync.read(readFileSync(new URL('../test/fixtures/coffee.png', import.meta.url)));
const image = { data: new Uint8ClampedArray(png.data), width: png.width, height: png.height };

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);
const line = (name, r) =>
  `${name}: palette ${hash(r.palette)} labels ${hash(r.labels)} image ${hash(r.image)} size ${r.paletteSize} ` +
  `iterations ${r.iterations} converged ${r.converged} inertia ${r.inertia.toFixed(3)} mse ${r.mse.toFixed(6)}`;

const configs = [
  ['k16', { k: 16 }],
  ['k64', { k: 64 }],
  ['k256', { k: 256 }],
  ['k16-seed3', { k: 16, seed: 3 }],
  ['k16-random', { k: 16, init: 'random' }],
  ['k16-attempts3', { k: 16, attempts: 3 }],
  ['k16-sample', { k: 16, sampleSize: 5000 }],
  ['k16-minibatch', { k: 16, algorithm: 'minibatch' }],
  ['k8-given', { k: 8, init: [[0, 0, 0], [255, 255, 255], [128, 64, 32], [32, 64, 128], [200, 100, 50], [50, 100, 200], [10, 200, 10], [90, 90, 90]] }],
  ['k16-threads1', { k: 16, threads: 1 }],
  ['k16-tol0', { k: 16, tolerance: 0, maxIterations: 30 }],
];
for (const [name, options] of configs) console.log(line(name, await quantize(image, { backend: 'cpu', ...options })));
const q = createQuantizer({ backend: 'cpu' });
const first = await q.quantize(image, { k: 16 });
console.log(line('warm16to20', await q.quantize(image, { k: 20, warmStart: first.centroids })));
console.log(line('warm16to12', await q.quantize(image, { k: 12, warmStart: first.centroids })));
q.destroy();
const few = { data: new Uint8ClampedArray(64 * 4), width: 8, height: 8 };
for (let i = 0; i < 64; i++) few.data.set([(i % 3) * 100, 50, 20, 255], i * 4);
console.log(line('exact', await quantize(few, { k: 4, backend: 'cpu' })));
