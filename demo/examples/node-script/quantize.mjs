#!/usr/bin/env node
// Quantize a PNG or JPEG to 16 colours and write it as an indexed PNG-8.
//
//   npm run build                                   # once, in the repository: builds dist/
//   node demo/examples/node-script/quantize.mjs [input.png|.jpg] [output.png]
//
// Without arguments it reads test/fixtures/coffee.png and writes coffee-16.png in the current folder.
// Inside this repository 'kmeans-quantizer' resolves to the package itself (its package.json "exports");
// elsewhere, install the package first (it is not on the npm registry yet: `npm install <path to a clone>`
// or the tarball `npm pack` makes).
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantize, resultToIndexedPng } from 'kmeans-quantizer';
import { readImage, writeBytes, zlibDeflate } from 'kmeans-quantizer/node';

const input = process.argv[2] ?? fileURLToPath(new URL('../../../test/fixtures/coffee.png', import.meta.url));
const output = process.argv[3] ?? `${basename(input, extname(input))}-16.png`;

try {
  const image = await readImage(input); // { data: RGBA bytes, width, height }
  const result = await quantize(image, { k: 16, seed: 1 });
  const bytes = await writeBytes(output, resultToIndexedPng(result, { deflate: zlibDeflate }));

  const hex = [];
  for (let i = 0; i < result.paletteSize; i++) {
    hex.push('#' + [...result.palette.subarray(i * 3, i * 3 + 3)].map((c) => c.toString(16).padStart(2, '0')).join(''));
  }
  console.log(`${basename(input)}: ${result.width}x${result.height}, ${result.paletteSize} colours on ${result.backend}`);
  console.log(`${result.iterations} iterations, PSNR ${result.psnr.toFixed(2)} dB, ${result.timings.total.toFixed(0)} ms`);
  console.log(`wrote ${resolve(output)} (${bytes} bytes, PNG-8)`);
  console.log(`palette: ${hex.join(' ')}`);
} catch (error) {
  // The library's errors carry a stable code (IO, INVALID_IMAGE, OUT_OF_RANGE, ...) and name what failed.
  console.error(`quantize.mjs: ${error.message} (${error.code ?? error.name})`);
  process.exitCode = 1;
}
