/**
 * Panel 6: the pixels as points in the RGB cube (a random 20,000 of them, each drawn in its own colour)
 * with the element's centroids on top as large markers; three.js with OrbitControls, so the cube turns
 * with the mouse (or a finger) and zooms with the wheel.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { QuantizeResult } from '../../src/index.js';
import { card, debounce, errorText, h, int, type DemoImage, type Panel } from '../ui.js';

const SAMPLE = 20_000;
const BACKGROUND = 0x6e7077;

// Colours are shown exactly as the bytes say: no sRGB <-> linear conversions anywhere in this scene.
THREE.ColorManagement.enabled = false;

/** A seeded xorshift generator of floats in [0, 1), so the same image always shows the same sample. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** A text label that always faces the camera. */
function label(text: string, colour: string): THREE.Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext('2d')!;
  ctx.font = 'bold 44px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 6;
  ctx.strokeStyle = '#ffffff';
  ctx.strokeText(text, 32, 34);
  ctx.fillStyle = colour;
  ctx.fillText(text, 32, 34);
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: new THREE.CanvasTexture(canvas), depthTest: false }));
  sprite.scale.setScalar(0.09);
  return sprite;
}

export function scatterPanel(): Panel {
  const { section, controls, body } = card({
    id: 'scatter',
    title: 'The pixels in the RGB cube',
    mirrors: 'Seed notebook 002 (3-D scatter of the feature vectors, then the centroids). Drag to turn, scroll to zoom. Follows k above.',
  });
  const host = h('div', { class: 'scatter-host' });
  const caption = h('p', { class: 'note', 'data-role': 'scatter-caption' });
  const reset = h('button', { type: 'button', class: 'small' }, 'Reset view');
  controls.append(reset, h('span', { class: 'muted' }, 'Red → right, green → up, blue → towards you.'));
  body.append(host, caption);

  let renderer: THREE.WebGLRenderer | undefined;
  try {
    renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  } catch (error) {
    host.append(h('p', { class: 'error' }, `WebGL is not available here, so the 3-D view cannot be drawn (${errorText(error)}).`));
    return { section };
  }
  renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
  renderer.setPixelRatio(Math.min(2, devicePixelRatio));
  renderer.domElement.dataset.role = 'scatter-canvas';
  renderer.domElement.setAttribute('aria-label', 'Rotatable 3-D scatter of the pixels in RGB space with the centroids as large markers');
  renderer.domElement.setAttribute('role', 'img');
  host.append(renderer.domElement);

  const scene = new THREE.Scene();
  scene.background = new THREE.Color(BACKGROUND);
  const camera = new THREE.PerspectiveCamera(38, 4 / 3, 0.01, 20);
  const home = new THREE.Vector3(1.55, 1.05, 1.85);
  camera.position.copy(home);
  const orbit = new OrbitControls(camera, renderer.domElement);
  orbit.target.set(0, 0, 0);
  orbit.minDistance = 0.6;
  orbit.maxDistance = 6;

  // The cube: grey edges, with the three axes from black drawn in their colours and labelled.
  const edges = new THREE.LineSegments(new THREE.EdgesGeometry(new THREE.BoxGeometry(1, 1, 1)), new THREE.LineBasicMaterial({ color: 0xb8bcc4 }));
  scene.add(edges);
  const corner = new THREE.Vector3(-0.5, -0.5, -0.5);
  const axes: [THREE.Vector3, number, string, string][] = [
    [new THREE.Vector3(0.5, -0.5, -0.5), 0xff2020, 'R', '#d01818'],
    [new THREE.Vector3(-0.5, 0.5, -0.5), 0x10c040, 'G', '#0a8a2c'],
    [new THREE.Vector3(-0.5, -0.5, 0.5), 0x2060ff, 'B', '#1d4ed8'],
  ];
  for (const [end, colour, text, css] of axes) {
    scene.add(new THREE.Line(new THREE.BufferGeometry().setFromPoints([corner, end]), new THREE.LineBasicMaterial({ color: colour })));
    const sprite = label(text, css);
    sprite.position.copy(end).addScaledVector(end.clone().sub(corner).normalize(), 0.07);
    scene.add(sprite);
  }

  const pointsMaterial = new THREE.PointsMaterial({ size: 2.5, sizeAttenuation: false, vertexColors: true });
  let points: THREE.Points | undefined;
  let markers: THREE.Group | undefined;
  let sampled = 0;
  let total = 0;

  const sphere = new THREE.SphereGeometry(0.024, 20, 14);
  const fillMaterial = new THREE.MeshBasicMaterial({ depthTest: false, transparent: false });
  const ringMaterial = new THREE.MeshBasicMaterial({ color: 0xffffff, side: THREE.BackSide, depthTest: false });
  const shadowMaterial = new THREE.MeshBasicMaterial({ color: 0x111111, side: THREE.BackSide, depthTest: false });

  function render(): void {
    renderer!.render(scene, camera);
  }

  function resize(): void {
    const width = Math.max(200, host.clientWidth);
    const height = Math.round(Math.min(520, width * 0.78));
    renderer!.setSize(width, height);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    render();
  }
  new ResizeObserver(() => resize()).observe(host);
  orbit.addEventListener('change', render);
  reset.addEventListener('click', () => {
    camera.position.copy(home);
    orbit.target.set(0, 0, 0);
    orbit.update();
    render();
  });
  orbit.update();

  function setPixels(image: ImageData): void {
    if (points) {
      scene.remove(points);
      points.geometry.dispose();
    }
    const data = image.data;
    const n = image.width * image.height;
    const count = Math.min(SAMPLE, n);
    const rand = random(0x9e3779b9 ^ n);
    const positions = new Float32Array(count * 3);
    const colours = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) {
      const p = (count === n ? i : Math.floor(rand() * n)) * 4;
      for (let c = 0; c < 3; c++) {
        const v = data[p + c]! / 255;
        positions[i * 3 + c] = v - 0.5;
        colours[i * 3 + c] = v;
      }
    }
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    geometry.setAttribute('color', new THREE.BufferAttribute(colours, 3));
    points = new THREE.Points(geometry, pointsMaterial);
    scene.add(points);
    sampled = count;
    total = n;
  }

  function setCentroids(result: QuantizeResult): void {
    if (markers) {
      scene.remove(markers);
      markers.children.forEach((m) => (m as THREE.InstancedMesh).dispose());
    }
    const k = result.paletteSize;
    const fill = new THREE.InstancedMesh(sphere, fillMaterial, k);
    const ring = new THREE.InstancedMesh(sphere, ringMaterial, k);
    const shadow = new THREE.InstancedMesh(sphere, shadowMaterial, k);
    const m = new THREE.Matrix4();
    const colour = new THREE.Color();
    // Markers shrink a little as k grows, so 256 of them do not hide the cloud.
    const size = k > 64 ? 0.6 : k > 16 ? 0.8 : 1;
    for (let i = 0; i < k; i++) {
      const x = result.centroids[i * 3]! / 255 - 0.5;
      const y = result.centroids[i * 3 + 1]! / 255 - 0.5;
      const z = result.centroids[i * 3 + 2]! / 255 - 0.5;
      m.makeScale(size, size, size).setPosition(x, y, z);
      fill.setMatrixAt(i, m);
      m.makeScale(size * 1.4, size * 1.4, size * 1.4).setPosition(x, y, z);
      ring.setMatrixAt(i, m);
      m.makeScale(size * 1.65, size * 1.65, size * 1.65).setPosition(x, y, z);
      shadow.setMatrixAt(i, m);
      colour.setRGB(result.palette[i * 3]! / 255, result.palette[i * 3 + 1]! / 255, result.palette[i * 3 + 2]! / 255);
      fill.setColorAt(i, colour);
    }
    shadow.renderOrder = 1;
    ring.renderOrder = 2;
    fill.renderOrder = 3;
    markers = new THREE.Group();
    markers.add(shadow, ring, fill);
    scene.add(markers);
    caption.textContent = `${int(sampled)} of ${int(total)} pixels (a random sample), each in its own colour; the ${k} centroids of k = ${result.k} as large ringed markers.`;
    section.dataset.centroids = String(k);
    render();
  }

  const later = debounce(setCentroids, 120);

  return {
    section,
    setImage(image: DemoImage) {
      later.cancel();
      if (markers) {
        scene.remove(markers);
        markers = undefined;
      }
      setPixels(image.data);
      caption.textContent = `${int(sampled)} of ${int(total)} pixels (a random sample), each in its own colour. Centroids follow once the element has a result.`;
      resize();
    },
    setResult(result) {
      later(result);
    },
  };
}
