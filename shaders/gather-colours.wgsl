// Colour histogram on the GPU, step 2 of 2: each listed colour takes its count from the table as its weight
// and clears its entry, so that the table is all zeros again for the next image. The first invocation also
// writes the workgroup count of the weighted assignment's indirect dispatch (info[1..3]), so the host
// never needs to read the number of colours back.

override WORKGROUP_SIZE: u32 = 64u;
override POINTS_PER_INVOCATION: u32 = 4u;

@group(0) @binding(0) var<storage, read_write> table: array<u32>;
@group(0) @binding(1) var<storage, read> colours: array<u32>;
@group(0) @binding(2) var<storage, read_write> weights: array<u32>;
@group(0) @binding(3) var<storage, read_write> info: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let count = info[0];
  if (gid.x == 0u) {
    let per_workgroup = WORKGROUP_SIZE * POINTS_PER_INVOCATION;
    info[1] = (count + per_workgroup - 1u) / per_workgroup;
    info[2] = 1u;
    info[3] = 1u;
  }
  let first = gid.x * POINTS_PER_INVOCATION;
  for (var p = 0u; p < POINTS_PER_INVOCATION; p++) {
    let index = first + p;
    if (index < count) {
      let colour = colours[index];
      weights[index] = table[colour];
      table[colour] = 0u;
    }
  }
}
