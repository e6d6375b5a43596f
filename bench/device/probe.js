#!/usr/bin/env node
/**
 * Prints, as one JSON line, the adapter Dawn finds (KMQ_WEBGPU: the webgpu package's index.js), or
 * { adapter: null, error } when there is none. run.sh calls it before measuring, to try another way of
 * loading the Vulkan driver when the first finds no hardware adapter. Exit code 0 either way.
 */
import { pathToFileURL } from 'node:url';

const timer = setTimeout(() => {
  console.log(JSON.stringify({ adapter: null, error: 'requestAdapter() did not answer in 30 s' }));
  process.exit(0);
}, 30_000);
try {
  const { create, globals } = await import(pathToFileURL(process.env.KMQ_WEBGPU).href);
  Object.assign(globalThis, globals);
  const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
  const info = adapter?.info;
  console.log(JSON.stringify(adapter ? {
    adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description,
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false },
  } : { adapter: null, error: 'requestAdapter() returned null' }));
} catch (error) {
  console.log(JSON.stringify({ adapter: null, error: String(error?.message ?? error) }));
}
clearTimeout(timer);
process.exit(0);
