/**
 * Panel 9: the webcam, quantized live by the element above: getUserMedia() hands a MediaStream to the
 * element's `image` property; the element warm-starts every frame from the previous frame's palette.
 */
import { card, errorText, fixed, h, type Panel } from '../ui.js';
import type { ElementPanel } from './element.js';

export function webcamPanel(target: ElementPanel, restore: () => void): Panel & { stop(): void } {
  const { section, controls, body } = card({
    id: 'webcam',
    title: 'Webcam, quantized live',
    mirrors: 'Seed notebook 003’s idea in real time: the camera stream goes to the element above (k and backend still apply); nothing leaves the page.',
  });
  const start = h('button', { type: 'button', class: 'run', 'data-role': 'webcam-start' }, 'Start camera');
  const stopButton = h('button', { type: 'button', 'data-role': 'webcam-stop', disabled: true }, 'Stop camera');
  const status = h('p', { class: 'status', role: 'status', 'data-role': 'webcam-status' });
  const video = h('video', { muted: true, playsinline: true, autoplay: true, 'aria-label': 'The camera, as it comes' });
  video.muted = true;
  const quantized = h('canvas', { width: 320, height: 240, role: 'img', 'aria-label': 'The camera quantized by the element', 'data-role': 'webcam-quantized' });
  const previews = h(
    'div',
    { class: 'pair webcam-previews', hidden: true },
    h('figure', {}, video, h('figcaption', {}, 'Camera')),
    h('figure', {}, quantized, h('figcaption', {}, 'Quantized by the element above')),
  );
  const how = h(
    'ul',
    { class: 'how' },
    h('li', {}, 'getUserMedia() gives a MediaStream; the page sets it as the element’s ', h('code', {}, 'image'), ' property.'),
    h('li', {}, 'The element quantizes frame after frame, each warm-started from the previous palette, so colours keep their places.'),
    h('li', {}, 'Frames that arrive while one is being quantized are dropped; k and the backend switch still apply.'),
  );
  controls.append(start, stopButton);
  body.append(status, previews, how);

  let stream: MediaStream | undefined;
  let frames = 0;
  const media = navigator.mediaDevices;
  if (!media?.getUserMedia) {
    start.disabled = true;
    status.textContent = 'This browser offers no camera access here (getUserMedia needs a secure context: https or localhost).';
  } else {
    status.textContent = 'The browser asks before the camera turns on. While it runs, the panels that follow the element pause.';
  }

  const onFrame = () => {
    if (!stream) return;
    frames++;
    const r = target.element.result;
    if (r) {
      if (quantized.width !== r.width || quantized.height !== r.height) {
        quantized.width = r.width;
        quantized.height = r.height;
      }
      const pixels = new Uint8ClampedArray(r.image.buffer as ArrayBuffer, r.image.byteOffset, r.image.length);
      quantized.getContext('2d')!.putImageData(new ImageData(pixels, r.width, r.height), 0, 0);
    }
    status.textContent = `Live: ${frames} frames quantized, ${fixed(target.element.fps, 1)} frames per second${r ? ` at ${r.width} × ${r.height}, k = ${r.k}, on ${r.backend === 'webgpu' ? 'WebGPU' : 'the CPU'}` : ''}.`;
    section.dataset.frames = String(frames);
  };
  target.element.addEventListener('kmeans-complete', onFrame);

  function stop(): void {
    if (!stream) return;
    for (const track of stream.getTracks()) track.stop();
    stream = undefined;
    video.srcObject = null;
    previews.hidden = true;
    target.live = false;
    target.section.classList.remove('live');
    start.disabled = false;
    stopButton.disabled = true;
    section.dataset.state = 'stopped';
    status.textContent = `Stopped after ${frames} frames; back to the still image.`;
    restore();
  }

  start.addEventListener('click', async () => {
    start.disabled = true;
    status.textContent = 'Asking for the camera…';
    try {
      stream = await media.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    } catch (error) {
      start.disabled = false;
      status.textContent = `No camera: ${errorText(error)}`;
      section.dataset.state = 'denied';
      return;
    }
    frames = 0;
    target.live = true;
    target.section.classList.add('live');
    target.element.image = stream;
    video.srcObject = stream;
    previews.hidden = false;
    stopButton.disabled = false;
    section.dataset.state = 'live';
    status.textContent = 'Live: waiting for the first frame…';
  });
  stopButton.addEventListener('click', stop);

  return { section, stop };
}
