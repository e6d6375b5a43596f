/** GPUBufferUsage / GPUMapMode values, spelled out so that no WebGPU globals are needed (Node). */
export const MAP_READ = 0x1;
export const COPY_SRC = 0x4;
export const COPY_DST = 0x8;
export const UNIFORM = 0x40;
export const STORAGE = 0x80;
export const INDIRECT = 0x100;
export const QUERY_RESOLVE = 0x200;
export const MAP_MODE_READ = 0x1;
