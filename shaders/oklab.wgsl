// Shared: prepended by the host to the kernels that measure distances in OKLab (WGSL has no includes). The
// same conversion as src/colour-space.ts: sRGB values in 0..255 to OKLab coordinates scaled by 255 (L of
// white is 255). Not a kernel of its own.

const OKLAB_SCALE: f32 = 255.0;

fn srgb_to_linear(v: f32) -> f32 {
  let c = v / 255.0;
  if (c <= 0.04045) {
    return c / 12.92;
  }
  return pow((c + 0.055) / 1.055, 2.4);
}

fn srgb_to_oklab(rgb: vec3<f32>) -> vec3<f32> {
  let lin = vec3<f32>(srgb_to_linear(rgb.x), srgb_to_linear(rgb.y), srgb_to_linear(rgb.z));
  let lms = vec3<f32>(
    dot(vec3<f32>(0.4122214708, 0.5363325363, 0.0514459929), lin),
    dot(vec3<f32>(0.2119034982, 0.6806995451, 0.1073969566), lin),
    dot(vec3<f32>(0.0883024619, 0.2817188376, 0.6299787005), lin),
  );
  // Cube roots of non-negative values (pow is undefined for negative bases in WGSL).
  let c = pow(max(lms, vec3<f32>(0.0)), vec3<f32>(1.0 / 3.0));
  return OKLAB_SCALE * vec3<f32>(
    dot(vec3<f32>(0.2104542553, 0.793617785, -0.0040720468), c),
    dot(vec3<f32>(1.9779984951, -2.428592205, 0.4505937099), c),
    dot(vec3<f32>(0.0259040371, 0.7827717662, -0.808675766), c),
  );
}
