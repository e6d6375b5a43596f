// The test pages' setup (blank.html, csp.html): loads the built library and a helper that reads an image
// into ImageData, for tests to use through page.evaluate().
window.kmq = await import('/dist/index.js');
window.loadImageData = async (url) => {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
};
window.ready = true;
