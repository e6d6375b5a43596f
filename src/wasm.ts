/**
 * What the WebAssembly parts share (the colour tree, k-means++'s loops, the colour counts and tables, error
 * diffusion): compiling a module inlined as base64, once per thread, and laying arrays out in an instance's
 * memory. A module that cannot be compiled (WebAssembly missing, or refused by a page's
 * Content-Security-Policy without 'wasm-unsafe-eval') is null, and its caller runs its JS instead, with the
 * same results.
 */

const PAGE = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A module compiled on first use: `get()` gives it, or null where WebAssembly is unavailable. */
export class InlinedModule {
  private compiled: WebAssembly.Module | null | undefined;

  constructor(private readonly base64: string) {}

  get(): WebAssembly.Module | null {
    if (this.compiled === undefined) {
      try {
        this.compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(decodeBase64(this.base64)) : null;
      } catch {
        this.compiled = null;
      }
    }
    return this.compiled;
  }

  /** A new instance's exports (it imports nothing), or null. */
  instantiate<T>(): T | null {
    const module = this.get();
    if (!module) return null;
    try {
      return new WebAssembly.Instance(module, {}).exports as unknown as T;
    } catch {
      return null;
    }
  }
}

/** The element types the layouts use. */
type ArrayKind = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;

/** Named arrays placed one after another in an instance's memory, each aligned to its element. */
export class Layout {
  /** The first byte past the last array. */
  readonly end: number;
  private readonly arrays = new Map<string, { at: number; kind: ArrayKind; length: number }>();

  constructor(base: number, arrays: readonly (readonly [string, ArrayKind, number])[]) {
    let next = base;
    for (const [name, kind, length] of arrays) {
      const align = kind.BYTES_PER_ELEMENT;
      next = Math.ceil(next / align) * align;
      this.arrays.set(name, { at: next, kind, length });
      next += length * align;
    }
    this.end = next;
  }

  private array(name: string): { at: number; kind: ArrayKind; length: number } {
    const array = this.arrays.get(name);
    if (!array) throw new Error(`no array "${name}" in this layout`);
    return array;
  }

  /** The byte address of an array. */
  address(name: string): number {
    return this.array(name).at;
  }

  /** A view of an array (all of it, or its first `length` elements) in `memory`, as the type it was placed as. */
  view<T extends ArrayBufferView>(memory: WebAssembly.Memory, name: string, length?: number): T {
    const { at, kind, length: all } = this.array(name);
    return new kind(memory.buffer, at, length ?? all) as unknown as T;
  }

  /** Copies `data` to the start of an array. */
  copyIn(memory: WebAssembly.Memory, name: string, data: ArrayLike<number>): void {
    if (data.length > this.array(name).length) throw new RangeError(`${data.length} values do not fit array "${name}"`);
    this.view<Float64Array>(memory, name, data.length).set(data);
  }
}

/** Grows `memory` to hold `bytes`; false when it cannot grow that far. */
export function growTo(memory: WebAssembly.Memory, bytes: number): boolean {
  const pages = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
  try {
    if (pages > 0) memory.grow(pages);
    return true;
  } catch {
    return false;
  }
}
