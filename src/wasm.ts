/**
 * What the WebAssembly parts share (the colour tree's walk, error diffusion): compiling a module inlined as
 * base64, once per thread, and laying arrays out in an instance's memory. A module that cannot be compiled
 * (WebAssembly missing, or refused by a page's Content-Security-Policy without 'wasm-unsafe-eval') is null,
 * and its caller runs its JS instead, with the same results.
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
export type ArrayKind = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;

/** Byte offsets of named arrays placed one after another from `base`, each aligned to its element, and the end. */
export function placeArrays(base: number, arrays: readonly (readonly [string, ArrayKind, number])[]): { at: Map<string, number>; end: number } {
  const at = new Map<string, number>();
  let next = base;
  for (const [name, kind, length] of arrays) {
    const align = kind.BYTES_PER_ELEMENT;
    next = Math.ceil(next / align) * align;
    at.set(name, next);
    next += length * align;
  }
  return { at, end: next };
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
