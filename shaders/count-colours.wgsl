// Colour histogram on the GPU, step 1 of 2: counts every pixel's RGB in a table of 2^24 entries, and lists
// each colour once, by the invocation whose atomicAdd found its entry at zero. A workgroup gathers its new
// colours in workgroup memory first and reserves room for them in the list with one global atomic, so
// that the list's counter is not hit once per colour. The list's order depends on scheduling; nothing
// downstream does (the weighted sums over it are exact integers).

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

var<workgroup> new_count: atomic<u32>;
var<workgroup> new_colours: array<u32, WORKGROUP_SIZE * PIXELS_PER_INVOCATION>;
var<workgroup> list_start: u32;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  if (lid == 0u) {
    atomicStore(&new_count, 0u);
  }
  workgroupBarrier();
  let first = (wid.x * WORKGROUP_SIZE + lid) * PIXELS_PER_INVOCATION;
  for (var p = 0u; p < PIXELS_PER_INVOCATION; p++) {
    let index = first + p;
    if (index < chunk.pixel_count) {
      let colour = pixels[index] & 0xffffffu;
      if (atomicAdd(&table[colour], 1u) == 0u) {
        new_colours[atomicAdd(&new_count, 1u)] = colour;
      }
    }
  }
  workgroupBarrier();
  let count = atomicLoad(&new_count);
  if (lid == 0u && count > 0u) {
    list_start = atomicAdd(&info[0], count);
  }
  workgroupBarrier();
  let start = list_start;
  for (var i = lid; i < count; i += WORKGROUP_SIZE) {
    colours[start + i] = new_colours[i];
  }
}
