/**
 * The demo page: picks an image (a shipped photo, a file, a drop), hands it to every panel, and starts the
 * background panels once the element has painted its first result. The library comes straight from src/.
 */
import { decodeBlob, PixelReader } from '../src/element/source.js';
import { resizeImage } from '../src/index.js';
import coffeeUrl from '../test/fixtures/coffee.png';
import { benchmarkPanel } from './panels/benchmark.js';
import { codebookPanel } from './panels/codebook.js';
import { ditherPanel } from './panels/dither.js';
import { elbowPanel } from './panels/elbow.js';
import { elementPanel } from './panels/element.js';
import { histogramPanel } from './panels/histogram.js';
import { scatterPanel } from './panels/scatter.js';
import { sizesPanel } from './panels/sizes.js';
import { sweepPanel } from './panels/sweep.js';
import { webcamPanel } from './panels/webcam.js';
import { afterPaint, errorText, h, int, type DemoImage, type Panel } from './ui.js';

/** Larger images are downscaled on load so that every panel stays interactive. */
const MAX_SIDE = 2048;

const SAMPLES = [
  { name: 'coffee.png', url: coffeeUrl, label: 'Coffee' },
  { name: 'chelsea.png', url: 'images/chelsea.png', label: 'Chelsea' },
  { name: 'rocket.jpg', url: 'images/rocket.jpg', label: 'Rocket' },
  { name: 'hubble_deep_field.jpg', url: 'images/hubble_deep_field.jpg', label: 'Hubble deep field' },
];

let current: DemoImage | undefined;
let imageSerial = 0;
/** The image whose background panels have been started. */
let idleStartedFor = -1;

const grid = document.getElementById('grid')!;
const currentLine = document.getElementById('current')!;
const loadError = document.getElementById('load-error')!;

const element = elementPanel({ onResult: (result) => onResult(result) });
const histogram = histogramPanel();
const sizes = sizesPanel();
const scatter = scatterPanel();
const codebook = codebookPanel(() => current);
const sweep = sweepPanel(() => current);
const dither = ditherPanel(() => current);
const elbow = elbowPanel(() => current, (k) => {
  element.setK(k);
  element.section.scrollIntoView({ behavior: 'smooth', block: 'start' });
});
const webcam = webcamPanel(element, () => {
  if (current) element.setImage?.(current);
});
const benchmark = benchmarkPanel(() => current);

/** Layout order: the panels that follow the element sit next to it; the on-demand ones further down. */
const panels: Panel[] = [element, histogram, sizes, scatter, codebook, sweep, dither, elbow, webcam, benchmark];
grid.append(...panels.map((p) => p.section));

/** Background work, one panel after another, once the element has shown the image. */
async function startIdleWork(serial: number): Promise<void> {
  await afterPaint();
  for (const panel of panels) {
    if (serial !== imageSerial || !current) return;
    await panel.idle?.(current);
  }
  if (serial === imageSerial) document.body.dataset.idle = 'done';
}

function onResult(result: import('../src/index.js').QuantizeResult): void {
  if (!current) return;
  for (const panel of panels) panel.setResult?.(result, current);
  if (idleStartedFor !== imageSerial) {
    idleStartedFor = imageSerial;
    void startIdleWork(imageSerial);
  }
}

function describe(image: DemoImage): void {
  const { width, height } = image.data;
  currentLine.replaceChildren(
    h('strong', {}, image.name),
    ` · ${width} × ${height} · ${int(width * height)} pixels`,
    image.downscaledFrom ? ` (downscaled on load from ${image.downscaledFrom.width} × ${image.downscaledFrom.height}, to keep every panel interactive)` : '',
  );
}

function show(image: DemoImage): void {
  current = image;
  // A running camera gives the element back to the new image.
  webcam.stop();
  imageSerial++;
  delete document.body.dataset.idle;
  document.body.dataset.image = image.name;
  describe(image);
  for (const panel of panels) panel.setImage?.(image);
}

/** The one canvas the demo reads decoded files back through. */
const reader = new PixelReader();

/** Decodes an image file to RGBA pixels as stored (the element's decoder), downscaling huge ones. */
async function decode(blob: Blob, name: string): Promise<DemoImage> {
  let data = await decodeBlob(blob, `"${name}"`, reader);
  const { width, height } = data;
  const file = { bytes: blob.size, type: blob.type };
  if (Math.max(width, height) <= MAX_SIDE) return { name, data, file };
  const scale = MAX_SIDE / Math.max(width, height);
  const small = await resizeImage(data, Math.round(width * scale), Math.round(height * scale));
  data = new ImageData(small.data as Uint8ClampedArray<ArrayBuffer>, small.width, small.height);
  return { name, data, file, downscaledFrom: { width, height } };
}

async function load(what: string, getBlob: () => Promise<Blob>): Promise<void> {
  loadError.textContent = '';
  currentLine.textContent = `Loading ${what}…`;
  try {
    show(await decode(await getBlob(), what));
  } catch (error) {
    loadError.textContent = `Could not open ${what}: ${errorText(error)}`;
    if (current) describe(current);
    else currentLine.textContent = '';
  }
}

async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.blob();
}

// Image picker: the shipped photos, a file input, and drag and drop anywhere on the page.
const samples = document.getElementById('samples')!;
for (const sample of SAMPLES) {
  const button = h('button', { type: 'button', class: 'sample', 'data-sample': sample.name, title: sample.name }, h('img', { src: sample.url, alt: '', loading: 'lazy' }), h('span', {}, sample.label));
  button.addEventListener('click', () => {
    for (const b of samples.querySelectorAll('button')) b.classList.toggle('selected', b === button);
    void load(sample.name, () => fetchBlob(sample.url));
  });
  samples.append(button);
}
const fileInput = document.getElementById('file') as HTMLInputElement;
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  for (const b of samples.querySelectorAll('button')) b.classList.remove('selected');
  void load(file.name, async () => file);
  fileInput.value = '';
});

let dragDepth = 0;
document.addEventListener('dragenter', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) document.body.classList.remove('dragging');
});
document.addEventListener('dragover', (event) => {
  if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
});
document.addEventListener('drop', (event) => {
  dragDepth = 0;
  document.body.classList.remove('dragging');
  const file = [...(event.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/')) ?? event.dataTransfer?.files[0];
  if (!file) return;
  event.preventDefault();
  for (const b of samples.querySelectorAll('button')) b.classList.remove('selected');
  void load(file.name, async () => file);
});

// Open with the first shipped photo.
(samples.querySelector('button') as HTMLButtonElement).click();
