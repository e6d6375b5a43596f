/**
 * Styles of `<kmeans-quantizer>`. Everything a page may want to change goes through the `--kmq-*` custom
 * properties (documented on the element class and in custom-elements.json) or the element's parts.
 */
import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    box-sizing: border-box;
    color: var(--kmq-foreground, #1d1d1f);
    background: var(--kmq-background, transparent);
    font: var(--kmq-font, 14px/1.4 system-ui, sans-serif);
    --_gap: var(--kmq-gap, 12px);
    --_radius: var(--kmq-radius, 8px);
    --_border: var(--kmq-border-color, #d0d0d7);
    --_muted: var(--kmq-muted-color, #6b6b76);
    --_accent: var(--kmq-accent-color, #2563eb);
    --_mono: var(--kmq-mono-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [part~='base'] {
    display: grid;
    gap: var(--_gap);
  }
  [part~='views'] {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: flex-start;
  }
  figure {
    margin: 0;
    flex: 1 1 240px;
    min-width: 0;
    display: grid;
    gap: 4px;
  }
  figcaption,
  .label {
    color: var(--_muted);
    font-size: 0.85em;
  }
  canvas {
    display: block;
    width: 100%;
    height: auto;
    max-height: var(--kmq-image-max-height, 480px);
    object-fit: contain;
    image-rendering: var(--kmq-image-rendering, auto);
    border-radius: var(--_radius);
    background: var(--kmq-canvas-background, #0000000d);
  }
  [part~='compare'] {
    position: relative;
    flex: 1 1 240px;
    min-width: 0;
    border-radius: var(--_radius);
    overflow: hidden;
    touch-action: none;
  }
  [part~='compare'] canvas {
    border-radius: 0;
  }
  [part~='compare-quantized'] {
    position: absolute;
    inset: 0;
    height: 100%;
    clip-path: inset(0 0 0 var(--_split, 50%));
  }
  .divider {
    position: absolute;
    top: 0;
    bottom: 0;
    left: var(--_split, 50%);
    width: 0;
    border-left: 2px solid var(--kmq-compare-divider-color, #fff);
    box-shadow: 0 0 0 1px #0006;
    pointer-events: none;
  }
  .divider::after {
    content: '';
    position: absolute;
    top: 50%;
    left: -10px;
    width: 18px;
    height: 18px;
    margin-top: -9px;
    border-radius: 50%;
    background: var(--kmq-compare-divider-color, #fff);
    box-shadow: 0 1px 3px #0008;
  }
  [part~='compare-slider'] {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    margin: 0;
    opacity: 0;
    cursor: ew-resize;
  }
  [part~='compare-slider']:focus-visible + .divider {
    outline: 3px solid var(--kmq-focus-ring-color, var(--_accent));
    outline-offset: 2px;
  }
  .corner {
    position: absolute;
    top: 6px;
    padding: 1px 6px;
    border-radius: 4px;
    background: #000a;
    color: #fff;
    font-size: 0.75em;
    pointer-events: none;
  }
  .corner.left {
    left: 6px;
  }
  .corner.right {
    right: 6px;
  }
  [part~='palette'] {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--kmq-swatch-min-width, 84px), 1fr));
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part~='swatch'] {
    display: flex;
    align-items: center;
    gap: 6px;
    width: 100%;
    padding: 4px 6px 4px 4px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--kmq-swatch-background, transparent);
    color: inherit;
    font: inherit;
    cursor: pointer;
    text-align: left;
  }
  [part~='swatch']:hover {
    border-color: var(--_accent);
  }
  [part~='swatch']:focus-visible,
  [part~='error'] button:focus-visible {
    outline: 3px solid var(--kmq-focus-ring-color, var(--_accent));
    outline-offset: 1px;
  }
  [part~='swatch-color'] {
    flex: none;
    width: var(--kmq-swatch-size, 24px);
    height: var(--kmq-swatch-size, 24px);
    border-radius: calc(var(--_radius) / 2);
    box-shadow: inset 0 0 0 1px #0002;
  }
  /* A palette entry with alpha below 255: its colour over a checkerboard. */
  [part~='swatch-color'].translucent {
    background-image: linear-gradient(var(--_swatch), var(--_swatch)), repeating-conic-gradient(#c8c8c8 0 25%, #fff 0 50%);
    background-size: auto, 8px 8px;
  }
  [part~='swatch-hex'] {
    font-family: var(--_mono);
    font-size: 0.85em;
  }
  [part~='stats'] {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    gap: 6px var(--_gap);
    margin: 0;
  }
  [part~='stats'] div {
    min-width: 0;
  }
  [part~='stats'] dt {
    color: var(--_muted);
    font-size: 0.8em;
  }
  [part~='stats'] dd {
    margin: 0;
    font-family: var(--_mono);
    overflow-wrap: anywhere;
  }
  [part~='stats'] .wide {
    grid-column: 1 / -1;
  }
  [part~='status'] {
    color: var(--_muted);
    font-size: 0.85em;
    min-height: 1.4em;
  }
  [part~='placeholder'] {
    display: grid;
    place-items: center;
    min-height: var(--kmq-placeholder-height, 160px);
    padding: var(--_gap);
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    color: var(--_muted);
    text-align: center;
  }
  [part~='error'] {
    padding: 10px var(--_gap);
    border-radius: var(--_radius);
    border: 1px solid var(--kmq-error-border-color, #e5484d);
    background: var(--kmq-error-background, #fff0f0);
    color: var(--kmq-error-color, #a4161a);
    overflow-wrap: anywhere;
  }
  [part~='error'] strong {
    display: block;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
