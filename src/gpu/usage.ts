/** GPUBufferUsage / GPUMapMode values, spelled out so that no WebGPU globals are needed (Node). */
export const MAP_READ = 0x1;
export const COPY_SRC = 0x4;
export const COPY_DST = 0x8;
export const UNIFORM = 0x40;
export const STORAGE = 0x80;
export const INDIRECT = 0x100;
export const QUERY_RESOLVE = 0x200;
export const MAP_MODE_READ = 0x1;
/** GPUTextureUsage values, spelled out for the same reason. */
export const TEXTURE_COPY_SRC = 0x1;
export const TEXTURE_COPY_DST = 0x2;
export const TEXTURE_BINDING = 0x4;
export const STORAGE_BINDING = 0x8;
export const RENDER_ATTACHMENT = 0x10;
