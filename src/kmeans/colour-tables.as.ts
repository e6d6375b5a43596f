// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.js into colour-tables-wasm.ts (never by tsc).
// The dense colour tables (colour-tables.ts) in this module's memory (colour-tables-native.ts keeps one
// instance per thread, as the JS tables are kept): a byte count per 24-bit colour, and a byte
// label per colour. Pixels come in chunks, copied into `chunk`; the same steps as denseHistogram and
// labelAndPaint's table path, so the same counts and labels.

const COLOURS: usize = 1 << 24;
/** Pixels per chunk. */
const CHUNK: u32 = 65536;

/** Pixels per chunk (colour-tables-native.ts sizes its copies by it). */
export function chunkSize(): u32 { return CHUNK; }

// The layout, from the heap's base: the two tables, then the chunk's buffers.
let counts: usize = 0; // u8 per colour
let labels: usize = 0; // u8 per colour
let chunk: usize = 0; // u32 per pixel of the chunk
let seen: usize = 0; // u32: colours met for the first time in the chunk
let spill: usize = 0; // u32: colours whose count passed 255 in the chunk (255 each)
let outLabels: usize = 0; // u8 per pixel of the chunk
let outImage: usize = 0; // u32 per pixel of the chunk
let lut: usize = 0; // u32 per palette entry: its packed colour, alpha 0
let list: usize = 0; // u32 per colour of a list (counts read, labels set)
let listWeights: usize = 0; // f64 per colour of the list
let listLabels: usize = 0; // u8 per colour of the list
let seenCount: u32 = 0;
let spillCount: u32 = 0;

/** Lays the tables out from the heap's base; returns the bytes the memory must hold. */
export function setUp(): usize {
  const c = <usize>CHUNK;
  counts = (__heap_base + 7) & ~7;
  labels = counts + COLOURS;
  listWeights = labels + COLOURS; // 8-aligned: the tables are 2^24 bytes each
  chunk = listWeights + (c << 3);
  seen = chunk + (c << 2);
  spill = seen + (c << 2);
  outImage = spill + (c << 2);
  lut = outImage + (c << 2);
  list = lut + (256 << 2);
  outLabels = list + (c << 2);
  listLabels = outLabels + c;
  return listLabels + c;
}

/** Where the chunk's pixels go, and where each output is (for the JS's views). */
export function chunkAt(): usize { return chunk; }
export function seenAt(): usize { return seen; }
export function spillAt(): usize { return spill; }
export function outLabelsAt(): usize { return outLabels; }
export function outImageAt(): usize { return outImage; }
export function lutAt(): usize { return lut; }
export function listAt(): usize { return list; }
export function listWeightsAt(): usize { return listWeights; }
export function listLabelsAt(): usize { return listLabels; }
export function seenInChunk(): u32 { return seenCount; }
export function spillInChunk(): u32 { return spillCount; }

/** denseHistogram's count over the chunk's n pixels: new colours into `seen`, counts past 255 into `spill`. */
export function count(n: u32): void {
  let s: u32 = 0;
  let p: u32 = 0;
  for (let i: usize = 0; i < <usize>n; i++) {
    const c = <usize>(load<u32>(chunk + (i << 2)) & 0xffffff);
    const k = load<u8>(counts + c);
    if (k == 0) {
      store<u8>(counts + c, 1);
      store<u32>(seen + (<usize>s << 2), <u32>c);
      s++;
    } else if (k == 255) {
      store<u8>(counts + c, 1);
      store<u32>(spill + (<usize>p << 2), <u32>c);
      p++;
    } else {
      store<u8>(counts + c, k + 1);
    }
  }
  seenCount = s;
  spillCount = p;
}

/** The counts of the list's n colours into `listWeights`, each table entry cleared as it is read. */
export function readCounts(n: u32): void {
  for (let j: usize = 0; j < <usize>n; j++) {
    const c = <usize>load<u32>(list + (j << 2));
    store<f64>(listWeights + (j << 3), <f64>load<u8>(counts + c));
    store<u8>(counts + c, 0);
  }
}

/** The list's n colours get their labels (`listLabels`) in the label table. */
export function setLabels(n: u32): void {
  for (let j: usize = 0; j < <usize>n; j++) store<u8>(labels + <usize>load<u32>(list + (j << 2)), load<u8>(listLabels + j));
}

/** labelAndPaint's table path over the chunk's n pixels: each one's label, and its palette colour with its own alpha. */
export function label(n: u32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const pixel = load<u32>(chunk + (i << 2));
    const l = load<u8>(labels + <usize>(pixel & 0xffffff));
    store<u8>(outLabels + i, l);
    store<u32>(outImage + (i << 2), load<u32>(lut + (<usize>l << 2)) | (pixel & 0xff000000));
  }
}
