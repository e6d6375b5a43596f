/**
 * A zlib stream (RFC 1950) compressed on several threads at once, for the large PNG-8s the CLI writes: the
 * data is cut into pieces that node:zlib deflates in libuv's thread pool side by side, each piece primed
 * with the 32 KiB before it as its dictionary (so matches reach back across a cut, as in one stream) and
 * ended by a sync flush (an empty stored block, byte-aligned, not final) except the last. The raw deflate
 * pieces then join into one stream under a zlib header, with the Adler-32 of the whole data, computed on
 * the main thread while the pieces compress. The idea is pigz's. Any inflater reads the result; its bytes
 * differ from a one-thread deflate's, never what they inflate to. Node only (node:zlib).
 */
import { availableParallelism } from 'node:os';
import { constants, deflate, deflateRaw, type ZlibOptions } from 'node:zlib';
import { checkInteger } from './analysis/common.js';
import { typeError } from './errors.js';

/** Below this many bytes a piece is not worth a thread: one stream. */
const MIN_PIECE = 1 << 19;
/** node:zlib's output pieces: large, so that a piece is handed back to this thread a few times, not hundreds. */
const CHUNK = 1 << 20;
/** libuv's default thread pool size: more pieces than threads would wait anyway. */
const POOL_THREADS = 4;
/** Deflate's window: how far back a match may reach, and so the dictionary each piece gets. */
const WINDOW = 1 << 15;

function compressed(run: (data: Uint8Array, options: ZlibOptions, done: (error: Error | null, out: Buffer) => void) => void, data: Uint8Array, options: ZlibOptions): Promise<Uint8Array> {
  return new Promise((resolve, reject) => run(data, options, (error, out) => (error ? reject(error) : resolve(new Uint8Array(out.buffer, out.byteOffset, out.length)))));
}

/**
 * How many pieces `bytes` of data are cut into: two per core (more pieces keep the pool's threads evenly
 * busy: bench/README.md, "Image I/O off the main thread"), at most the pool's threads, each at least MIN_PIECE.
 */
export function pieceCount(bytes: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores * 2, POOL_THREADS, Math.floor(bytes / MIN_PIECE)));
}

/** The zlib header's two bytes for `level` (deflate, 32 KiB window, no dictionary, the level's FLEVEL, check bits). */
export function zlibHeader(level: number): Uint8Array {
  const flevel = level <= 1 ? 0 : level <= 5 ? 1 : level === 6 ? 2 : 3;
  const cmf = 0x78;
  const flg = flevel << 6;
  return Uint8Array.of(cmf, flg + (31 - ((cmf * 256 + flg) % 31)));
}

/** Adler-32 of `data` (RFC 1950): sums reduced every 5,552 bytes, the most that cannot overflow 2^32. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let start = 0; start < data.length; start += 5552) {
    const end = Math.min(start + 5552, data.length);
    for (let i = start; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The zlib stream of `data` at `level` (0..9), compressed off the main thread: in pieces on several
 * threads when the data is large enough and the machine has the cores (`pieceCount`), else as one stream.
 * A TypeError for data that is not a Uint8Array, a RangeError (code OUT_OF_RANGE) for a level or piece
 * count that is not an integer in range.
 */
export async function parallelZlibDeflate(data: Uint8Array, level: number, pieces = pieceCount(data.length)): Promise<Uint8Array> {
  if (!(data instanceof Uint8Array)) throw typeError('data', 'a Uint8Array', data);
  checkInteger('level', level, 0, 9);
  checkInteger('pieces', pieces, 1, POOL_THREADS * 16);
  if (pieces <= 1 || data.length < pieces) return compressed(deflate, data, { level, chunkSize: CHUNK });
  const size = Math.ceil(data.length / pieces);
  const parts: Array<Promise<Uint8Array>> = [];
  for (let start = 0; start < data.length; start += size) {
    const end = Math.min(start + size, data.length);
    const options: ZlibOptions = { level, chunkSize: CHUNK, finishFlush: end === data.length ? constants.Z_FINISH : constants.Z_SYNC_FLUSH };
    if (start > 0) options.dictionary = data.subarray(Math.max(0, start - WINDOW), start);
    parts.push(compressed(deflateRaw, data.subarray(start, end), options));
  }
  const check = adler32(data);
  const bodies = await Promise.all(parts);
  const header = zlibHeader(level);
  const out = new Uint8Array(header.length + bodies.reduce((n, b) => n + b.length, 0) + 4);
  out.set(header, 0);
  let at = header.length;
  for (const body of bodies) {
    out.set(body, at);
    at += body.length;
  }
  new DataView(out.buffer).setUint32(at, check);
  return out;
}
