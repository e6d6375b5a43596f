// Colour histogram on the GPU, step 1 of 2: counts every pixel's RGB in a table of 2^24 entries, and lists
// each colour once, by the invocation whose atomicAdd found its entry at zero. The list's order depends on
// scheduling; nothing downstream does (the weighted sums over it are exact integers).

override WORKGROUP_SIZE: u32 = 64u;
override PIXELS_PER_INVOCATION: u32 = 4u;

struct Chunk {
  pixel_count: u32,
}

@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read_write> table: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> colours: array<u32>;
@group(0) @binding(3) var<storage, read_write> info: array<atomic<u32>>;
@group(0) @binding(4) var<uniform> chunk: Chunk;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let first = gid.x * PIXELS_PER_INVOCATION;
  for (var p = 0u; p < PIXELS_PER_INVOCATION; p++) {
    let index = first + p;
    if (index < chunk.pixel_count) {
      let colour = pixels[index] & 0xffffffu;
      if (atomicAdd(&table[colour], 1u) == 0u) {
        colours[atomicAdd(&info[0], 1u)] = colour;
      }
    }
  }
}
