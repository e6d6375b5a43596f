// The WASM walk (walk.ts, compiled by run.sh) against the JS walk of src/kmeans/filtering.ts on the same tree:
// 40 Lloyd iterations from the same start in a fresh process, `js`, `wasm`, or `both` (each iteration's sums
// compared). Usage: node measure.mjs <out dir> <image.png> <k> <js|wasm|both>.
import { readFileSync } from 'node:fs';
const [out, imagePath, kArg, mode = 'wasm'] = process.argv.slice(2);
const t0 = performance.now();
const wasmBytes = readFileSync(`${out}/walk.wasm`);
const { instance } = await WebAssembly.instantiate(wasmBytes, { env: { abort() { throw new Error('abort'); } } });
const tCompile = performance.now() - t0;
const { FilteringLloyd } = await import(`${out}/js/kmeans/filtering.js`);
const h = await import(`${out}/js/kmeans/histogram.js`);
const { readImage } = await import(new URL('../../../dist/node.js', import.meta.url).href);
const img = await readImage(imagePath);
const K = Number(kArg);
const px = new Uint32Array(img.data.buffer, img.data.byteOffset, img.data.length / 4);
const hist = h.buildHistogram(px);
const pts = h.unpackColours(hist.colours);
const tree = new FilteringLloyd(pts, hist.weights);
const m = hist.weights.length; const c = new Float64Array(K * 3);
for (let j = 0; j < K; j++) { const i = Math.floor((j + 0.5) * m / K); c.set(pts.subarray(i * 3, i * 3 + 3), j * 3); }
tree.setCentroids(c);
const nodes = tree.nodes, n = nodes.count;
// Lay out linear memory.
const mem = instance.exports.memory;
let at = 1 << 20;
const layout = {};
const place = (name, arr, align = 8) => { at = Math.ceil(at / align) * align; layout[name] = at; at += arr.byteLength; return arr; };
const parts = {
  box: nodes.box.subarray(0, n * 6), stats: nodes.stats.subarray(0, n * 4), start: nodes.start.subarray(0, n), end: nodes.end.subarray(0, n),
  child: nodes.child.subarray(0, n), children: nodes.children.subarray(0, n), sorted: tree.sorted, weights: tree.sortedWeights,
  cand: new Uint16Array(11 * K), cen: new Float64Array(K * 3), counts: new Float64Array(K), sums: new Float64Array(K * 3),
};
for (const [name, arr] of Object.entries(parts)) place(name, arr);
const need = Math.ceil(at / 65536) - mem.buffer.byteLength / 65536; if (need > 0) mem.grow(need);
const view = (name, Ctor, len) => new Ctor(mem.buffer, layout[name], len);
for (const [name, arr] of Object.entries(parts)) new arr.constructor(mem.buffer, layout[name], arr.length).set(arr);
const wcen = view('cen', Float64Array, K * 3), wcounts = view('counts', Float64Array, K), wsums = view('sums', Float64Array, K * 3);
const L = layout;
function wasmAssign(centroids) { wcen.set(centroids); instance.exports.walk(K, L.box, L.stats, L.start, L.end, L.child, L.children, L.sorted, L.weights, L.cand, L.cen, L.counts, L.sums); }
// Lloyd from the same start, both ways; compare every iteration's sums.
const times = []; let centroids = Float64Array.from(c); let same = true;
for (let it = 0; it < 40; it++) {
  const t = performance.now();
  let counts, sums;
  if (mode === 'wasm') { wasmAssign(centroids); counts = wcounts; sums = wsums; }
  else { tree.assign(); counts = tree.counts; sums = tree.sums; }
  times.push(performance.now() - t);
  if (mode === 'both') { wasmAssign(centroids); for (let j = 0; j < K; j++) if (wcounts[j] !== counts[j] || wsums[j*3] !== sums[j*3]) same = false; }
  const next = new Float64Array(K * 3);
  for (let j = 0; j < K; j++) for (let ch = 0; ch < 3; ch++) next[j * 3 + ch] = counts[j] > 0 ? sums[j * 3 + ch] / counts[j] : centroids[j * 3 + ch];
  centroids = next; if (mode !== 'wasm') tree.setCentroids(next);
}
const sorted = times.slice(-10).sort((a, b) => a - b);
console.log(`${mode}: compile ${tCompile.toFixed(1)} ms, walks 1-5 ${times.slice(0, 5).map((x) => x.toFixed(1)).join('/')} ms, steady ${sorted[5].toFixed(2)} ms, total ${times.reduce((a, b) => a + b).toFixed(0)} ms${mode === 'both' ? `, same sums ${same}` : ''}, checksum ${centroids.reduce((a, b) => a + b).toFixed(6)}`);
