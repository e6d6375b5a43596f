/**
 * The device check (bench/device/): its report's target verdicts and its inputs, always; and the whole
 * script end to end (unpack the carried Node, Dawn and Vulkan loader, find the adapter, every measurement,
 * device.json and device.md) in quick mode on Chromium's SwiftShader Vulkan driver, when
 * bench/device/prepare.sh has been run (it downloads ~95 MB, so neither CI nor this test runs it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const DEVICE = join(ROOT, 'bench/device');
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const PREPARED = existsSync(join(ROOT, '.device/manifest.json'));

/** One of the bench's modules (plain JS, so untyped here). */
const load = async (file: string): Promise<any> => import(pathToFileURL(join(DEVICE, file)).href);

function runScript(args: string[], out: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile('bash', [join(DEVICE, 'run.sh'), ...args], {
      env: { ...process.env, OUT: out, KMQ_VK_ICD: SWIFTSHADER_ICD, KMQ_DEVICE_TMP: join(out, 'runtime') },
      maxBuffer: 64 << 20,
    }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }));
  });
}

describe('device check report', () => {
  it('reads each real-GPU target off the figures: met, not met, or not measured', async () => {
    const { targets } = await load('report.js');
    const sizeRow = (size: string, k: number, cold: number, warm: number) => ({ size, k, cold: { medianMs: cold }, warm: { medianMs: warm } });
    const report = (video: unknown[]) => ({
      measurements: {
        'frame-sizes': { rows: [sizeRow('3840x2160', 64, 20, 3.5)] },
        'frame-video': { rows: [{ size: '1920x1080', k: 64, fps: 59.9 }] },
        'gpu-sizes': { rows: [sizeRow('1920x1080', 64, 1, 1), sizeRow('3840x2160', 64, 15.5, 4)] },
        video: { rows: video },
      },
    });
    // The frame path's three targets, then quantize()'s.
    expect(targets(report([{ size: '1920x1080', k: 64, fps: 60 }])).map((t: any) => [t.measured, t.verdict])).toEqual([
      [20, 'not met'], [3.5, 'met'], [59.9, 'not met'],
      [15.5, 'met'], [4, 'not met'], [60, 'met'],
    ]);
    expect(targets(report([{ size: '1920x1080', k: 16, fps: 200 }]))[5]).toMatchObject({ measured: undefined, verdict: 'not measured' });
    expect(targets({ measurements: {} }).map((t: any) => t.verdict)).toEqual(Array(6).fill('not measured'));
  });

  it('names a measurement that did not finish, with its status', async () => {
    const { markdownReport } = await load('report.js');
    const md = markdownReport({ mode: 'quick', started: 'now', measurements: { video: { status: 'timeout', rows: [], error: 'Error: timed out after 3 s\n at x' } } });
    expect(md).toContain('**video: timeout**: Error: timed out after 3 s');
    expect(md).not.toContain(' at x');
  });
});

describe('device check inputs', () => {
  it('upscales bilinearly and scrolls frames as views of one image', async () => {
    const { upscale, scrollingVideo } = await load('images.js');
    const src = { data: new Uint8ClampedArray([0, 0, 0, 255, 200, 100, 50, 255]), width: 2, height: 1 };
    expect(Array.from(upscale(src, 3, 1).data)).toEqual([0, 0, 0, 255, 100, 50, 25, 255, 200, 100, 50, 255]);
    const column = { data: new Uint8ClampedArray([0, 0, 0, 255, 90, 90, 90, 255]), width: 1, height: 2 };
    const video = scrollingVideo(column, 1, 2, 4, 1); // one upscale 5 rows tall: 0, 22.5, 45, 67.5, 90
    expect(Array.from(video.frame(0).data.filter((_: number, i: number) => i % 4 === 0))).toEqual([0, 22]); // 22.5 rounds to even
    expect(Array.from(video.frame(3).data.filter((_: number, i: number) => i % 4 === 0))).toEqual([68, 90]);
    expect(video.frame(4).data[0]).toBe(0); // frames wrap around
    expect(video.frame(1).data.buffer).toBe(video.frame(2).data.buffer);
  });
});

// Skipped, with this name, until bash bench/device/prepare.sh has made .device/ (it downloads Node, Dawn and the Vulkan loader).
describe.runIf(PREPARED && existsSync(SWIFTSHADER_ICD))('bench/device/run.sh end to end (quick, SwiftShader; needs .device/ from bench/device/prepare.sh)', () => {
  const out = mkdtempSync(join(tmpdir(), 'kmq-device-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('unpacks its runtime, finds the adapter, runs every measurement and writes device.json and device.md', async () => {
    const { code, output } = await runScript(['--quick'], out);
    expect(code, output).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'device.json'), 'utf8'));
    const m = report.measurements;
    expect(Object.fromEntries(Object.entries(m).map(([name, e]: [string, any]) => [name, e.status]))).toEqual({
      adapter: 'ok', parity: 'ok', 'frame-sizes': 'ok', 'frame-video': 'ok', 'gpu-sizes': 'ok', video: 'ok', 'cpu-sizes': 'ok',
    });
    // The frame path on Dawn: a texture in, one submit and a few hundred bytes back a frame, no image.
    expect(m['frame-sizes'].rows.map((r: any) => `${r.size} k=${r.k}`)).toEqual(['320x180 k=16']);
    for (const row of m['frame-sizes'].rows) {
      for (const call of [row.first, ...row.cold.calls, ...row.warm.calls]) {
        expect([call.submits, call.readbacks, call.imageBytesRead]).toEqual([1, 1, 0]);
        expect(call.bytesRead).toBeLessThan(4096);
      }
      expect(row.warm.calls.every((c: any) => c.warm)).toBe(true);
      expect(row.cold.calls.some((c: any) => c.warm)).toBe(false);
    }
    expect(m['frame-video'].rows[0].fps).toBeGreaterThan(0);
    expect(m.adapter.rows[0]).toMatchObject({ architecture: 'swiftshader', isFallbackAdapter: true });
    // A software adapter goes to the CPU, every call.
    expect(m.adapter.rows[1].library.auto.map((c: any) => c.backend)).toEqual(['cpu', 'cpu', 'cpu', 'cpu']);
    expect(m.adapter.rows[1].library.auto[3].reason).toContain('software fallback');
    for (const row of m.parity.rows) {
      expect(row.backend).toBe('webgpu');
      expect(row.labelAgreement).toBeGreaterThan(0.99);
      expect(Math.abs(row.inertiaRatio - 1)).toBeLessThan(0.01);
    }
    expect(m['gpu-sizes'].rows.map((r: any) => `${r.size} k=${r.k}`)).toEqual(['320x180 k=16', '320x180 k=64', '640x360 k=16', '640x360 k=64']);
    for (const row of m['gpu-sizes'].rows) {
      expect(row.first.backend).toBe('webgpu');
      // The library's own counts agree with the WebGPU calls counted on the prototypes.
      for (const call of [row.first, ...row.cold.calls, ...row.warm.calls]) {
        expect(call.counted.submits).toBe(call.submits);
        expect(call.counted.mapAsyncs).toBe(call.readbacks);
      }
      expect(row.warm.medianIterations).toBeLessThanOrEqual(row.cold.medianIterations);
    }
    expect(m.video.rows[0].fps).toBeGreaterThan(0);
    expect(m['cpu-sizes'].rows.every((r: any) => r.first.backend === 'cpu')).toBe(true);
    const md = readFileSync(join(out, 'device.md'), 'utf8');
    expect(md).toContain('GPU/CPU parity');
    expect(md).toContain('| 640x360 | 64 |');
  }, 1_800_000); // ~70 s unloaded; SwiftShader on 2 shared cores can take many times that

  it('stops a measurement at its time limit, keeps its rows so far in device.json and exits 1', async () => {
    const { code } = await runScript(['--quick', '--only', 'gpu-sizes', '--limit-s', '2'], out);
    expect(code).toBe(1);
    const entry = JSON.parse(readFileSync(join(out, 'device.json'), 'utf8')).measurements['gpu-sizes'];
    expect(entry.status).toBe('timeout');
    expect(entry.rows.length).toBeLessThan(4);
  }, 120_000);
});
