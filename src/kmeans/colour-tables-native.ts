/**
 * The dense colour tables (colour-tables.ts) in WebAssembly (colour-tables.as.ts): one instance per thread,
 * whose memory holds the two 16 MiB tables and one chunk's buffers, whatever the image's size. Pixels go
 * through it in chunks. The same counts and labels as the JS tables; `create` gives null where WebAssembly
 * is unavailable or its memory cannot grow, and the JS tables are used instead.
 */
import { growTo, InlinedModule } from '../wasm.js';
import type { ColourTables } from './colour-tables.js';
import { COLOUR_TABLES_WASM } from './colour-tables-wasm.js';

interface TablesExports {
  memory: WebAssembly.Memory;
  setUp(): number;
  chunkSize(): number;
  chunkAt(): number;
  seenAt(): number;
  spillAt(): number;
  outLabelsAt(): number;
  outImageAt(): number;
  lutAt(): number;
  listAt(): number;
  listWeightsAt(): number;
  listLabelsAt(): number;
  seenInChunk(): number;
  spillInChunk(): number;
  count(n: number): void;
  readCounts(n: number): void;
  setLabels(n: number): void;
  label(n: number): void;
}

const tablesModule = new InlinedModule(COLOUR_TABLES_WASM);

export class NativeColourTables implements ColourTables {
  private readonly size: number;
  private readonly chunk: Uint32Array;
  private readonly seen: Uint32Array;
  private readonly spill: Uint32Array;
  private readonly outLabels: Uint8Array;
  private readonly outImage: Uint32Array;
  private readonly lut: Uint32Array;
  private readonly list: Uint32Array;
  private readonly listWeights: Float64Array;
  private readonly listLabels: Uint8Array;

  private constructor(private readonly exports: TablesExports) {
    const buffer = exports.memory.buffer;
    const size = exports.chunkSize();
    this.size = size;
    this.chunk = new Uint32Array(buffer, exports.chunkAt(), size);
    this.seen = new Uint32Array(buffer, exports.seenAt(), size);
    this.spill = new Uint32Array(buffer, exports.spillAt(), size);
    this.outLabels = new Uint8Array(buffer, exports.outLabelsAt(), size);
    this.outImage = new Uint32Array(buffer, exports.outImageAt(), size);
    this.lut = new Uint32Array(buffer, exports.lutAt(), 256);
    this.list = new Uint32Array(buffer, exports.listAt(), size);
    this.listWeights = new Float64Array(buffer, exports.listWeightsAt(), size);
    this.listLabels = new Uint8Array(buffer, exports.listLabelsAt(), size);
  }

  static create(): NativeColourTables | null {
    const exports = tablesModule.instantiate<TablesExports>();
    if (!exports || !growTo(exports.memory, exports.setUp())) return null;
    return new NativeColourTables(exports);
  }

  count(pixels: Uint32Array): { seen: Uint32Array; spill: Map<number, number> | undefined } {
    let seen = new Uint32Array(1 << 16);
    let m = 0;
    let spill: Map<number, number> | undefined;
    for (let from = 0; from < pixels.length; from += this.size) {
      const n = Math.min(this.size, pixels.length - from);
      this.chunk.set(pixels.subarray(from, from + n));
      this.exports.count(n);
      const s = this.exports.seenInChunk();
      if (m + s > seen.length) {
        const grown = new Uint32Array(Math.max(seen.length * 2, m + s));
        grown.set(seen.subarray(0, m));
        seen = grown;
      }
      seen.set(this.seen.subarray(0, s), m);
      m += s;
      const p = this.exports.spillInChunk();
      if (p > 0) {
        spill ??= new Map();
        for (let i = 0; i < p; i++) spill.set(this.spill[i]!, (spill.get(this.spill[i]!) ?? 0) + 255);
      }
    }
    return { seen: seen.subarray(0, m), spill };
  }

  readCounts(colours: Uint32Array, weights: Float64Array): void {
    for (let from = 0; from < colours.length; from += this.size) {
      const n = Math.min(this.size, colours.length - from);
      this.list.set(colours.subarray(from, from + n));
      this.exports.readCounts(n);
      weights.set(this.listWeights.subarray(0, n), from);
    }
  }

  labelAndPaint(pixels: Uint32Array, colours: Uint32Array, colourLabels: Uint8Array, lut: Uint32Array, labels: Uint8Array, out: Uint32Array): void {
    for (let from = 0; from < colours.length; from += this.size) {
      const n = Math.min(this.size, colours.length - from);
      this.list.set(colours.subarray(from, from + n));
      this.listLabels.set(colourLabels.subarray(from, from + n));
      this.exports.setLabels(n);
    }
    this.lut.set(lut.subarray(0, Math.min(256, lut.length)));
    for (let from = 0; from < pixels.length; from += this.size) {
      const n = Math.min(this.size, pixels.length - from);
      this.chunk.set(pixels.subarray(from, from + n));
      this.exports.label(n);
      labels.set(this.outLabels.subarray(0, n), from);
      out.set(this.outImage.subarray(0, n), from);
    }
  }
}
