/**
 * Small DOM helpers shared by the panels: cards, a cancellable job with a progress bar, number formats,
 * and the image type every panel works on.
 */
import { errorMessage, isAbortError } from '../src/errors.js';

/** The image on the page: what the element quantizes and what the panels analyse. */
export interface DemoImage {
  /** A label for the page (file name or sample name). */
  name: string;
  /** RGBA pixels. */
  data: ImageData;
  /** Set when the image was downscaled on load (the original size), else undefined. */
  downscaledFrom?: { width: number; height: number };
  /** The file the image came from: its size in bytes and MIME type. */
  file?: { bytes: number; type: string };
}

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/** `h('p', { class: 'x' }, 'text', child)`: an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

export interface Card {
  section: HTMLElement;
  /** Where the panel puts its controls (a row above the view). */
  controls: HTMLElement;
  /** Where the panel puts its view. */
  body: HTMLElement;
}

/**
 * A card of the grid: a title, one line on which seed notebook it mirrors, a row of controls and the view.
 * `id` becomes `panel-<id>` (and `data-panel`), which the tests and the page's anchors use.
 */
export function card(options: { id: string; title: string; mirrors: string; wide?: boolean }): Card {
  const controls = h('div', { class: 'controls' });
  const body = h('div', { class: 'view' });
  const section = h(
    'section',
    { class: options.wide ? 'card wide' : 'card', id: `panel-${options.id}`, 'data-panel': options.id, 'aria-labelledby': `panel-${options.id}-title` },
    h('header', {}, h('h2', { id: `panel-${options.id}-title` }, options.title), h('p', { class: 'mirrors' }, options.mirrors)),
    controls,
    body,
  );
  return { section, controls, body };
}

/** The error text of an unknown error: its class when that says something (TypeError, RangeError), then its message. */
export function errorText(error: unknown): string {
  const plain = !(error instanceof Error) || error.name === 'Error' || error.name === 'QuantizerError';
  return `${plain ? '' : `${error.name}: `}${errorMessage(error)}`;
}

/** Reports progress: `fraction` in 0..1 (undefined: indeterminate) and a line of text. */
export type Report = (fraction: number | undefined, text: string) => void;

/**
 * A long piece of work behind a button: the button starts it and, while it runs, cancels it (through an
 * AbortSignal); a progress bar and a status line show how far it got. Starting it again cancels the run in
 * flight first.
 */
export class Job {
  readonly button: HTMLButtonElement;
  readonly progress: HTMLProgressElement;
  readonly status: HTMLElement;
  private controller: AbortController | undefined;
  private runId = 0;

  constructor(
    private readonly label: string,
    private readonly task: (signal: AbortSignal, report: Report) => Promise<string>,
  ) {
    this.button = h('button', { type: 'button', class: 'run' }, label);
    this.progress = h('progress', { max: 1, hidden: true });
    this.status = h('span', { class: 'status', role: 'status' });
    this.button.addEventListener('click', () => {
      if (this.running) this.cancel('Cancelled.');
      else void this.run();
    });
  }

  get running(): boolean {
    return this.controller !== undefined;
  }

  /** The button, the progress bar and the status line, for a controls row. */
  elements(): HTMLElement[] {
    return [this.button, this.progress, this.status];
  }

  /** Runs the task (cancelling a run in flight); resolves when it has finished, failed or been cancelled. */
  async run(): Promise<void> {
    this.cancel();
    const id = ++this.runId;
    const controller = new AbortController();
    this.controller = controller;
    this.button.textContent = 'Cancel';
    this.button.classList.add('cancel');
    this.progress.hidden = false;
    this.progress.removeAttribute('value');
    this.status.textContent = 'Starting…';
    this.status.classList.remove('error');
    const report: Report = (fraction, text) => {
      if (id !== this.runId) return;
      if (fraction === undefined) this.progress.removeAttribute('value');
      else this.progress.value = Math.max(0, Math.min(1, fraction));
      this.status.textContent = text;
    };
    try {
      const done = await this.task(controller.signal, report);
      if (id === this.runId) this.status.textContent = done;
    } catch (error) {
      if (id === this.runId) {
        if (isAbortError(error)) this.status.textContent = 'Cancelled.';
        else {
          this.status.textContent = `Failed: ${errorText(error)}`;
          this.status.classList.add('error');
        }
      }
    } finally {
      if (id === this.runId) this.finish();
    }
  }

  /** Cancels the run in flight, if any, and shows `text` in the status line whether or not one ran. */
  reset(text: string): void {
    this.cancel();
    this.status.textContent = text;
    this.status.classList.remove('error');
  }

  /** Cancels the run in flight, if any, leaving `text` in the status line. */
  cancel(text?: string): void {
    if (!this.controller) return;
    this.controller.abort(new DOMException('cancelled', 'AbortError'));
    this.runId++;
    this.finish();
    if (text !== undefined) this.status.textContent = text;
  }

  private finish(): void {
    this.controller = undefined;
    this.button.textContent = this.label;
    this.button.classList.remove('cancel');
    this.progress.hidden = true;
  }
}

/** Resolves after the browser has painted (two animation frames, or a timeout when the tab is hidden). */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}

/** Calls `fn` once calls have stopped for `ms` milliseconds. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wrapped = (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function int(value: number): string {
  return integerFormat.format(value);
}

export function fixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Milliseconds with a sensible number of digits. */
export function ms(value: number): string {
  if (value >= 100) return `${fixed(value, 0)} ms`;
  if (value >= 10) return `${fixed(value, 1)} ms`;
  return `${fixed(value, 2)} ms`;
}

export function bytes(value: number): string {
  if (value >= 1024 * 1024) return `${fixed(value / (1024 * 1024), 2)} MiB`;
  if (value >= 1024) return `${fixed(value / 1024, 1)} KiB`;
  return `${int(value)} B`;
}

/** A large number in compact scientific form: 1.23e8. */
export function sci(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) < 1e5) return int(value);
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  return `${fixed(value / 10 ** exponent, 2)}e${exponent}`;
}

/** Paints RGBA bytes onto a new canvas of their size. */
export function toCanvas(data: Uint8ClampedArray | Uint8Array, width: number, height: number, label?: string): HTMLCanvasElement {
  const canvas = h('canvas', { width, height, role: label ? 'img' : undefined, 'aria-label': label });
  const bytes = data instanceof Uint8ClampedArray ? data : new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  canvas.getContext('2d')!.putImageData(new ImageData(bytes as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return canvas;
}

/** `#rrggbb` of palette colour `i` (RGB bytes, 3 per colour). */
export function hex(palette: Uint8Array, i: number): string {
  let s = '#';
  for (let c = 0; c < 3; c++) s += palette[i * 3 + c]!.toString(16).padStart(2, '0');
  return s;
}

/** A strip of palette swatches, darkest to lightest (by BT.601 luma). */
export function paletteStrip(palette: Uint8Array): HTMLElement {
  const colours = palette.length / 3;
  const strip = h('div', { class: 'strip', role: 'img', 'aria-label': `Palette of ${colours} colours, darkest to lightest` });
  const luma = (i: number) => 0.299 * palette[i * 3]! + 0.587 * palette[i * 3 + 1]! + 0.114 * palette[i * 3 + 2]!;
  const order = Array.from({ length: colours }, (_, i) => i).sort((a, b) => luma(a) - luma(b));
  for (const i of order) {
    const value = hex(palette, i);
    const chip = h('span', { title: value });
    chip.style.background = value;
    strip.append(chip);
  }
  return strip;
}

/** Width that a chart should take inside `element` (its content box), with a floor. */
export function contentWidth(element: HTMLElement, floor = 240): number {
  const style = getComputedStyle(element);
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  return Math.max(floor, Math.floor(element.clientWidth - padding));
}

/** What main.ts asks of a panel. */
export interface Panel {
  section: HTMLElement;
  /** A new image is on the page: drop what was shown for the old one, cancel its work. */
  setImage?(image: DemoImage): void;
  /** The element finished quantizing the current still image (after every k or backend change). */
  setResult?(result: import('../src/index.js').QuantizeResult, image: DemoImage): void;
  /** The page is ready and painted with a result: start background work. */
  idle?(image: DemoImage): Promise<void>;
}
