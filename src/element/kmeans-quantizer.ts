/**
 * `<kmeans-quantizer>`: a Lit element that quantizes an image (or live video) with the library and shows
 * the result, its palette, a before/after comparison and the run's statistics.
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { optionDefault, type Backend, type ColorSpace, type DitherMethod, type RGB } from '../options.js';
import type { QuantizeResult } from '../result.js';
import { ENGINE_OPTIONS, engineDefault, engineOptions, optionAttribute } from './attributes.js';
import { KmeansCompleteEvent, KmeansErrorEvent, KmeansProgressEvent } from './events.js';
import { errorCode, errorMessage } from '../errors.js';
import { RunController } from './run-controller.js';
import type { ElementImageSource } from './source.js';
import type { FramePath, FrameSnapshot } from './gpu-route.js';
import { styles } from './styles.js';

/** The views `show` can list. */
export type KmeansView = 'original' | 'quantized' | 'palette' | 'stats' | 'compare';

const VIEWS: ReadonlySet<string> = new Set<KmeansView>(['original', 'quantized', 'palette', 'stats', 'compare']);

/** The default of `show`: every view but the original on its own (the compare view shows it). */
export const DEFAULT_SHOW = 'quantized palette stats compare';

function hex(palette: Uint8Array, i: number): string {
  let s = '#';
  for (let c = 0; c < 3; c++) s += palette[i * 3 + c]!.toString(16).padStart(2, '0');
  return s;
}

/**
 * The alpha of each palette entry, where the result has an RGBA palette (an image with transparency);
 * undefined for an opaque palette.
 */
function paletteAlpha(result: QuantizeResult): Uint8Array | undefined {
  const alpha = (result as { paletteAlpha?: unknown }).paletteAlpha;
  return alpha instanceof Uint8Array && alpha.length === result.paletteSize ? alpha : undefined;
}

function number(value: number, digits: number): string {
  if (value === Infinity) return '∞';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The dithering of a result as people read it: `none`, `ordered`, `diffusion at 0.5`. */
function ditherText(result: QuantizeResult): string {
  if (result.dither === 'none') return 'none';
  return result.ditherLevel === 1 ? result.dither : `${result.dither} at ${number(result.ditherLevel, 2)}`;
}

/**
 * Colour quantization of an image or a live video with k-means, on WebGPU or the CPU.
 *
 * ```html
 * <script type="module" src="/dist/element.js"></script>
 * <kmeans-quantizer src="photo.jpg" k="16"></kmeans-quantizer>
 * ```
 *
 * Any change of `src`/`image`, `k`, `backend`, `seed`, `max-iterations`, `tolerance`, `sample-size`,
 * `color-space`, `dither`, `dither-level` or `fixed-colors` starts a new run and cancels the one in
 * flight (through its `AbortSignal`), so only the latest run's result is ever shown and only it fires
 * `kmeans-complete`. When only `k` changes, the new run starts from the previous result's centroids (a
 * warm start), which keeps a k slider interactive. A `<video>` or
 * `MediaStream` is quantized frame after frame (`requestVideoFrameCallback`, else `requestAnimationFrame`),
 * each frame warm-started from the previous one's centroids so the palette keeps its order; frames that
 * arrive while one is being quantized are dropped. The element owns one quantizer (GPU resources pooled
 * inside), destroyed when the element leaves the document.
 *
 * Errors (an image that fails to load, `k="0"`, `backend="webgpu"` without an adapter) are shown inside
 * the element in `part="error"` (`role="alert"`) and fire `kmeans-error`.
 *
 * Attributes, reflected to the properties in brackets (a removed attribute means the default). The
 * engine options take their defaults and their text form from the library's table of options
 * (`OPTIONS` in src/options.ts), the same defaults `quantize()` and the CLI use; a default is not
 * written out as an attribute:
 * - `src` (`src`): URL of the image; `image` takes precedence.
 * - `k` (`k`, default 16): colours, 1..256.
 * - `backend` (`backend`, default `auto`): `auto`, `webgpu` or `cpu`.
 * - `seed` (`seed`, default 0), `max-iterations` (`maxIterations`, default 100),
 *   `tolerance` (`tolerance`, default 0.25), `sample-size` (`sampleSize`, default unset: all pixels):
 *   engine options.
 * - `color-space` (`colorSpace`, default `srgb`): `srgb` or `oklab` (fitted in OKLab, perceptual).
 * - `dither` (`dither`, default `none`): `none`, `diffusion` or `ordered`; `dither-level` (`ditherLevel`,
 *   default 1): its strength, 0..1.
 * - `fixed-colors` (`fixedColors`, default unset): colours the palette must hold, `#ffffff,#000000`
 *   (the property takes `[r, g, b]` byte triples).
 * - `show` (`show`, default `quantized palette stats compare`): views to show, space-separated, out of
 *   `original quantized palette stats compare`.
 * - `frame-path` (`framePath`, default `auto`): the GPU frame route, `auto` (hardware adapters), `on` or
 *   `off` (see src/element/gpu-route.ts and the README).
 *
 * Attribute text that does not read (`tolerance="abc"`, `fixed-colors="white"`) or a value the table
 * rejects (`dither="fs2"`, `dither-level="2"`) is an error like any other: a `TypeError` or `RangeError`
 * naming the attribute, shown in `part="error"` and fired as `kmeans-error`.
 *
 * Properties without an attribute: `image` (ImageData, ImageBitmap, Blob/File, `<img>`, `<canvas>`,
 * `<video>` or MediaStream), and the read-only `result` (the `QuantizeResult` on screen), `error`,
 * `busy` and `fps`. Method: `refresh()` reloads the source and quantizes it from scratch.
 *
 * Keyboard: every swatch is a button (Enter/Space copies its hex value); the compare view is a range
 * input (arrow keys, Home/End move the divider).
 *
 * @summary Quantizes an image's colours with k-means and shows the result, palette, comparison and stats.
 *
 * @fires {KmeansProgressEvent} kmeans-progress - After every Lloyd iteration of the latest run. `detail`: `{ iteration, attempt, inertia, shift, k }`.
 * @fires {KmeansCompleteEvent} kmeans-complete - When the latest run's result is on screen (once per frame for video). `detail`: the full `QuantizeResult`.
 * @fires {KmeansErrorEvent} kmeans-error - When loading or quantizing fails (never for cancelled runs). `detail`: `{ error }`.
 *
 * @csspart base - The wrapper of everything inside the element.
 * @csspart views - The row holding the original, quantized and compare views.
 * @csspart original - The figure of the original image (`show` contains `original`).
 * @csspart original-canvas - The canvas of the original image.
 * @csspart quantized - The figure of the quantized image.
 * @csspart canvas - The canvas of the quantized image.
 * @csspart compare - The before/after split view.
 * @csspart compare-original - The original image, under the split.
 * @csspart compare-quantized - The quantized image, over the split (right of the divider).
 * @csspart compare-slider - The `input[type=range]` over the split view that moves the divider (0-100).
 * @csspart palette - The list of palette swatches.
 * @csspart swatch - One palette colour: a button that copies its hex value to the clipboard.
 * @csspart swatch-copied - Added to a swatch for a moment after its value was copied.
 * @csspart swatch-color - The colour chip inside a swatch.
 * @csspart swatch-hex - The hex value inside a swatch.
 * @csspart stats - The statistics list (`dl`).
 * @csspart status - The status line (loading, iteration in progress, copied).
 * @csspart placeholder - Shown instead of the views before the first result (no image yet, loading).
 * @csspart error - The error message (`role="alert"`).
 *
 * @cssprop [--kmq-foreground=#1d1d1f] - Text colour.
 * @cssprop [--kmq-background=transparent] - Background of the element.
 * @cssprop [--kmq-font=14px/1.4 system-ui, sans-serif] - Font shorthand of the element.
 * @cssprop [--kmq-mono-font=ui-monospace, monospace] - Font family of hex values and statistics.
 * @cssprop [--kmq-gap=12px] - Space between the parts.
 * @cssprop [--kmq-radius=8px] - Corner radius of images, swatches and messages.
 * @cssprop [--kmq-border-color=#d0d0d7] - Border of swatches and the placeholder.
 * @cssprop [--kmq-muted-color=#6b6b76] - Captions, labels and the status line.
 * @cssprop [--kmq-accent-color=#2563eb] - Hover border of swatches; default focus ring colour.
 * @cssprop [--kmq-focus-ring-color=var(--kmq-accent-color)] - Keyboard focus ring.
 * @cssprop [--kmq-image-max-height=480px] - Largest height of the images (they keep their aspect ratio).
 * @cssprop [--kmq-image-rendering=auto] - `image-rendering` of the canvases (`pixelated` to see pixels).
 * @cssprop [--kmq-canvas-background=#0000000d] - Behind the images (shows through transparent pixels).
 * @cssprop [--kmq-compare-divider-color=#fff] - The divider line and knob of the compare view.
 * @cssprop [--kmq-swatch-size=24px] - Size of a swatch's colour chip.
 * @cssprop [--kmq-swatch-min-width=84px] - Narrowest swatch in the palette grid.
 * @cssprop [--kmq-swatch-background=transparent] - Background of a swatch button.
 * @cssprop [--kmq-placeholder-height=160px] - Height of the placeholder before the first result.
 * @cssprop [--kmq-error-color=#a4161a] - Text of the error message.
 * @cssprop [--kmq-error-background=#fff0f0] - Background of the error message.
 * @cssprop [--kmq-error-border-color=#e5484d] - Border of the error message.
 */
export class KmeansQuantizerElement extends LitElement {
  /** The element's shadow-root styles (src/element/styles.ts); restyle it through the `--kmq-*` custom properties and the parts. */
  static override styles = styles;

  /** URL of the image to quantize (fetched, so cross-origin images need CORS). `image` takes precedence. */
  @property({ reflect: true })
  src: string | undefined;

  /**
   * The image to quantize, instead of `src`: ImageData, `{ data, width, height }`, ImageBitmap, Blob/File,
   * `<img>`, `<canvas>`, OffscreenCanvas, or a live `<video>`/MediaStream (quantized frame after frame).
   * Takes precedence over `src`; set it to `null` to go back to `src`. Compared by identity: call
   * `refresh()` after changing the pixels of the same object.
   */
  @property({ attribute: false })
  image: ElementImageSource | null = null;

  /** Number of colours: an integer in 1..256. Default 16. */
  @property({ reflect: true, useDefault: true, converter: optionAttribute('k') })
  k: number = optionDefault('k');

  /** `auto` (the CPU on a software adapter or a small image; on a hardware adapter, the faster of WebGPU and the CPU, timed on the first calls), `webgpu` (forced) or `cpu`. Default `auto`. */
  @property({ reflect: true, useDefault: true, converter: optionAttribute('backend') })
  backend: Backend = optionDefault('backend');

  /** Seed of the pseudo-random initialisation: same seed, same result. Default 0. */
  @property({ reflect: true, useDefault: true, converter: optionAttribute('seed') })
  seed: number = optionDefault('seed');

  /** Most Lloyd iterations per run. Default 100. */
  @property({ attribute: 'max-iterations', reflect: true, useDefault: true, converter: optionAttribute('maxIterations') })
  maxIterations: number = optionDefault('maxIterations');

  /** Convergence threshold: largest centroid move (0-255 RGB units) that still counts as converged. Default 0.25. */
  @property({ reflect: true, useDefault: true, converter: optionAttribute('tolerance') })
  tolerance: number = optionDefault('tolerance');

  /** Fit on a random sample of this many pixels (>= k, then label every pixel); unset fits on all pixels. */
  @property({ attribute: 'sample-size', reflect: true, useDefault: true, converter: optionAttribute('sampleSize') })
  sampleSize: number | undefined = optionDefault('sampleSize');

  /**
   * The space colours are compared in: `srgb` (plain k-means on 8-bit sRGB) or `oklab` (perceptual: the
   * palette is fitted in OKLab and converted back to sRGB). Default `srgb`.
   */
  @property({ attribute: 'color-space', reflect: true, useDefault: true, converter: optionAttribute('colorSpace') })
  colorSpace: ColorSpace = optionDefault('colorSpace');

  /** Dithering when the palette is painted: `none`, `diffusion` (error diffusion) or `ordered` (a threshold map). Default `none`. */
  @property({ reflect: true, useDefault: true, converter: optionAttribute('dither') })
  dither: DitherMethod = optionDefault('dither');

  /** Strength of the dithering, a number in 0..1. Default 1. */
  @property({ attribute: 'dither-level', reflect: true, useDefault: true, converter: optionAttribute('ditherLevel') })
  ditherLevel: number = optionDefault('ditherLevel');

  /**
   * Colours the palette must hold exactly (at most k, all different), as `[r, g, b]` byte triples; the
   * attribute writes them `#ffffff,#000000` (`#rgb` also reads). Unset: every colour is fitted.
   */
  @property({ attribute: 'fixed-colors', reflect: true, useDefault: true, converter: optionAttribute('fixedColors') })
  fixedColors: ReadonlyArray<RGB> | undefined = engineDefault('fixedColors');

  /** Space-separated views to show: `original`, `quantized`, `palette`, `stats`, `compare`. */
  @property({ reflect: true })
  show = DEFAULT_SHOW;

  /**
   * The GPU frame route: `auto` (on a hardware adapter, runs go through quantizeFrame() and are drawn on the
   * GPU, their results without labels and image), `on` (also on a software adapter, reading labels and
   * image back there) or `off` (always quantize(), with labels, image and progress events).
   */
  @property({ attribute: 'frame-path', reflect: true })
  framePath: FramePath = 'auto';

  @state() private _split = 50;
  @state() private _copied: number | undefined;
  @state() private _note = '';

  /** Loads the source, runs the quantizer, keeps what is on screen. */
  private readonly _runs = new RunController(this, {
    source: () => this.image ?? (this.src ? this.src : undefined),
    options: () => engineOptions(this),
    framePath: () => this.framePath,
    progress: (detail) => this.dispatchEvent(new KmeansProgressEvent(detail)),
    complete: (result) => (this._pendingEvent = new KmeansCompleteEvent(result)),
    failed: (error) => (this._pendingEvent = new KmeansErrorEvent({ error })),
  });
  /** Fired after the next render has painted (so listeners see the canvases). */
  private _pendingEvent: KmeansCompleteEvent | KmeansErrorEvent | undefined;
  private _drawn = new WeakMap<HTMLCanvasElement, ImageData | FrameSnapshot>();
  private _quantizedData: { result: QuantizeResult; data: ImageData } | undefined;
  private _noteTimer: ReturnType<typeof setTimeout> | undefined;

  /** The latest result on screen, if any. */
  get result(): QuantizeResult | undefined {
    return this._runs.result;
  }

  /** The error on screen, if any. */
  get error(): unknown {
    return this._runs.error;
  }

  /** True while an image loads or a run is in flight (for video: until the first frame is done). */
  get busy(): boolean {
    return this._runs.busy;
  }

  /** Quantized frames per second of a live source (0 for still images). */
  get fps(): number {
    return this._runs.fps;
  }

  /** Reloads the source and quantizes it again from scratch (no warm start). */
  refresh(): void {
    this._runs.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._noteTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.isConnected) return;
    const options: string[] = ENGINE_OPTIONS.filter((name) => changed.has(name));
    if (changed.has('framePath') && changed.get('framePath') !== undefined) options.push('framePath');
    this._runs.sync(changed.has('src') || changed.has('image'), options);
  }

  protected override updated(): void {
    this._draw();
    const event = this._pendingEvent;
    if (event) {
      this._pendingEvent = undefined;
      this.dispatchEvent(event);
    }
  }

  private _views(): Set<KmeansView> {
    const tokens = (this.show ?? DEFAULT_SHOW).split(/\s+/).filter((t) => VIEWS.has(t));
    return new Set(tokens as KmeansView[]);
  }

  /** Paints the current images onto whichever canvases are in the shadow root (each only once per image). */
  private _draw(): void {
    const result = this._runs.result;
    let quantized: ImageData | FrameSnapshot | undefined = this._runs.quantized;
    if (result && !quantized) {
      if (this._quantizedData?.result !== result) {
        const bytes = new Uint8ClampedArray(result.image.buffer as ArrayBuffer, result.image.byteOffset, result.image.length);
        this._quantizedData = { result, data: new ImageData(bytes, result.width, result.height) };
      }
      quantized = this._quantizedData.data;
    }
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-layer]')) {
      const image = canvas.dataset.layer === 'original' ? this._runs.original : quantized;
      if (!image || this._drawn.get(canvas) === image) continue;
      if (canvas.width !== image.width) canvas.width = image.width;
      if (canvas.height !== image.height) canvas.height = image.height;
      const ctx = canvas.getContext('2d');
      // Pixels are put; a frame drawn on the GPU (the GPU route) is copied there, GPU to GPU.
      if (image instanceof ImageData) ctx?.putImageData(image, 0, 0);
      else ctx?.drawImage(image.source, 0, 0);
      this._drawn.set(canvas, image);
    }
  }

  private async _copy(value: string, index: number): Promise<void> {
    const clipboard = globalThis.navigator?.clipboard;
    let note: string;
    if (!clipboard?.writeText) {
      note = `Clipboard unavailable: ${value}`;
    } else {
      try {
        await clipboard.writeText(value);
        note = `Copied ${value}`;
        this._copied = index;
      } catch {
        note = `Could not copy ${value} to the clipboard`;
      }
    }
    this._note = note;
    clearTimeout(this._noteTimer);
    this._noteTimer = setTimeout(() => {
      this._note = '';
      this._copied = undefined;
    }, 1500);
  }

  private _onSplit(event: Event): void {
    this._split = Number((event.target as HTMLInputElement).value);
  }

  protected override render(): TemplateResult {
    const result = this._runs.result;
    const error = this._runs.error;
    const views = this._views();
    return html`
      <div part="base" aria-busy=${this.busy ? 'true' : 'false'}>
        ${error !== undefined ? this._renderError(error) : nothing}
        ${result
          ? html`${this._renderViews(result, views)} ${views.has('palette') ? this._renderPalette(result) : nothing}
            ${views.has('stats') ? this._renderStats(result) : nothing}`
          : error === undefined
            ? html`<div part="placeholder">${this._placeholderText()}</div>`
            : nothing}
        <div part="status" role="status">${this._statusText()}</div>
      </div>
    `;
  }

  private _placeholderText(): string {
    const { phase, live } = this._runs;
    if (phase === 'idle') return 'No image: set the src attribute or the image property.';
    if (live) return 'Waiting for video frames…';
    return phase === 'loading' ? 'Loading image…' : 'Quantizing…';
  }

  private _statusText(): string {
    if (this._note) return this._note;
    const { phase, live, progress } = this._runs;
    if (phase === 'loading' && !live) return 'Loading image…';
    if (phase === 'running' || (progress && !live)) {
      return progress ? `Quantizing to ${progress.k} colours: iteration ${progress.iteration}` : 'Quantizing…';
    }
    return '';
  }

  private _renderError(error: unknown): TemplateResult {
    const name = error instanceof Error ? error.name : 'Error';
    const code = errorCode(error);
    const title = code === 'IO' || code === 'INVALID_IMAGE' ? 'Could not load the image' : 'Could not quantize the image';
    return html`<div part="error" role="alert"><strong>${title}</strong>${name}: ${errorMessage(error)}</div>`;
  }

  private _renderViews(result: QuantizeResult, views: Set<KmeansView>): TemplateResult | typeof nothing {
    if (!views.has('original') && !views.has('quantized') && !views.has('compare')) return nothing;
    const colours = `${result.paletteSize} colour${result.paletteSize === 1 ? '' : 's'}`;
    const split = this._split;
    return html`
      <div part="views">
        ${views.has('original')
          ? html`<figure part="original">
              <canvas part="original-canvas" data-layer="original" role="img" aria-label="Original image"></canvas>
              <figcaption>Original</figcaption>
            </figure>`
          : nothing}
        ${views.has('quantized')
          ? html`<figure part="quantized">
              <canvas part="canvas" data-layer="quantized" role="img" aria-label=${`Quantized image, ${colours}`}></canvas>
              <figcaption>Quantized · ${colours}</figcaption>
            </figure>`
          : nothing}
        ${views.has('compare')
          ? html`<div part="compare" style=${styleMap({ '--_split': `${split}%` })}>
              <canvas part="compare-original" data-layer="original" aria-hidden="true"></canvas>
              <canvas part="compare-quantized" data-layer="quantized" aria-hidden="true"></canvas>
              <span class="corner left" aria-hidden="true">Original</span>
              <span class="corner right" aria-hidden="true">Quantized</span>
              <input
                part="compare-slider"
                type="range"
                min="0"
                max="100"
                step="1"
                .value=${String(split)}
                aria-label="Before and after: share of the original image, shown on the left"
                aria-valuetext=${`${split}% original, ${100 - split}% quantized`}
                @input=${this._onSplit}
              />
              <div class="divider"></div>
            </div>`
          : nothing}
      </div>
    `;
  }

  private _renderPalette(result: QuantizeResult): TemplateResult {
    const swatches: TemplateResult[] = [];
    const alphas = paletteAlpha(result);
    for (let i = 0; i < result.paletteSize; i++) {
      const alpha = alphas?.[i] ?? 255;
      // #rrggbbaa for an entry with alpha below 255, shown over a checkerboard.
      const value = hex(result.palette, i) + (alpha === 255 ? '' : alpha.toString(16).padStart(2, '0'));
      const copied = this._copied === i;
      swatches.push(html`<li>
        <button
          type="button"
          part=${copied ? 'swatch swatch-copied' : 'swatch'}
          data-hex=${value}
          aria-label=${`Copy ${value}`}
          title=${`Copy ${value}`}
          @click=${() => void this._copy(value, i)}
        >
          <span
            part="swatch-color"
            class=${alpha === 255 ? '' : 'translucent'}
            style=${styleMap(alpha === 255 ? { background: value } : { '--_swatch': value })}
          ></span>
          <span part="swatch-hex">${value}</span>
        </button>
      </li>`);
    }
    return html`<ul part="palette" aria-label=${`Palette, ${result.paletteSize} colours`}>${swatches}</ul>`;
  }

  private _renderStats(result: QuantizeResult): TemplateResult {
    const adapter = result.adapter;
    const adapterText = adapter
      ? [adapter.description, adapter.vendor, adapter.architecture].filter(Boolean).join(' · ') + (adapter.isFallbackAdapter ? ' (software)' : '')
      : '';
    const stat = (name: string, label: string, value: string, wide = false): TemplateResult =>
      html`<div class=${wide ? 'wide' : ''}><dt>${label}</dt><dd data-stat=${name}>${value}</dd></div>`;
    return html`<dl part="stats">
      ${stat('backend', 'Backend', result.backend)}
      ${stat('colours', 'Colours', `${result.paletteSize} (k = ${result.k})`)}
      ${stat('iterations', 'Iterations', String(result.iterations))}
      ${stat('converged', 'Converged', result.converged ? 'yes' : 'no')}
      ${stat('inertia', 'Inertia', number(result.inertia, 0))}
      ${stat('psnr', 'PSNR', `${number(result.psnr, 2)} dB`)}
      ${stat('color-space', 'Colour space', result.colorSpace === 'oklab' ? 'OKLab' : 'sRGB')}
      ${stat('dither', 'Dithering', ditherText(result))}
      ${stat('ms', 'Time', `${number(result.timings.total, 1)} ms`)}
      ${this._runs.live ? stat('fps', 'Frames per second', number(this._runs.fps, 1)) : nothing}
      ${stat('size', 'Size', `${result.width} × ${result.height}`)}
      ${this._runs.shownRoute ? stat('path', 'Path', this._runs.shownRoute === 'canvas' ? 'GPU frames, drawn on the GPU' : 'GPU frames, read back') : nothing}
      ${result.fallbackReason ? stat('fallback', 'Fell back to the CPU because', result.fallbackReason, true) : nothing}
      ${adapterText ? stat('adapter', 'WebGPU adapter', adapterText, true) : nothing}
    </dl>`;
  }
}

if (!customElements.get('kmeans-quantizer')) customElements.define('kmeans-quantizer', KmeansQuantizerElement);

declare global {
  interface HTMLElementTagNameMap {
    'kmeans-quantizer': KmeansQuantizerElement;
  }
}
