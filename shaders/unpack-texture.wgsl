// The frame path's first step: every texel of the frame's texture (copied there from an ImageBitmap, a
// video, a canvas or a VideoFrame, or the caller's own texture) becomes one packed RGBA8 pixel, r | g << 8 |
// b << 16 | a << 24, as the assignment kernel reads them. One invocation per pixel, in row order. For an
// 8-bit unorm texture the conversion is exact: each channel is a byte over 255, packed back to that byte.

override WORKGROUP_SIZE: u32 = 256u;

// `Frame` (the uniform's layout) comes from frame.wgsl.
@group(0) @binding(0) var source: texture_2d<f32>;
@group(0) @binding(1) var<storage, read_write> pixels: array<u32>;
@group(0) @binding(2) var<uniform> frame: Frame;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let index = wid.x * WORKGROUP_SIZE + lid;
  if (index >= frame.pixel_count) {
    return;
  }
  let texel = textureLoad(source, vec2<u32>(index % frame.width, index / frame.width), 0);
  pixels[index] = pack4x8unorm(texel);
}
