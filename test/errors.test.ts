/** The error module: typed errors keep their built-in base classes and carry a stable code; the prefix is added once, for display. */
import { describe, expect, it } from 'vitest';
import { abortError, displayMessage, errorCode, GpuRunError, isAbortError, rangeError, typeError } from '../src/errors.js';
import { GpuUnavailableError, QuantizerError, quantize } from '../src/index.js';

describe('errors', () => {
  it('typed errors are TypeError / RangeError / Error with a code and the option at fault', () => {
    const t = typeError('option "k"', 'a finite number', 'x');
    expect(t).toBeInstanceOf(TypeError);
    expect(t.code).toBe('INVALID_TYPE');
    expect(t.option).toBe('option "k"');
    expect(t.message).toBe('option "k" must be a finite number, got "x"');
    const r = rangeError('option "k"', 'an integer in 1..256', 0);
    expect(r).toBeInstanceOf(RangeError);
    expect(errorCode(r)).toBe('OUT_OF_RANGE');
    expect(errorCode(new QuantizerError('INVALID_STATE', 'gone'))).toBe('INVALID_STATE');
    expect(errorCode(new GpuUnavailableError('none'))).toBe('GPU_UNAVAILABLE');
    expect(errorCode(new GpuRunError('lost'))).toBe('GPU_RUN_FAILED');
    // Not ours: no code, even where the object has one (Node's system errors do).
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
  });

  it('a cancellation is an AbortError DOMException carrying the reason, with code ABORTED', () => {
    const controller = new AbortController();
    controller.abort('why');
    const error = abortError(controller.signal);
    expect(error).toBeInstanceOf(DOMException);
    expect(isAbortError(error)).toBe(true);
    expect(errorCode(error)).toBe('ABORTED');
    expect((error as { cause?: unknown }).cause).toBe('why');
    expect(isAbortError(new Error('AbortError'))).toBe(false);
  });

  it('messages have no prefix; displayMessage adds it exactly once', async () => {
    const error = (await quantize({ data: new Uint8Array(4), width: 1, height: 1 }, { k: 0 }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RangeError);
    expect(errorCode(error)).toBe('OUT_OF_RANGE');
    expect(error.message).toMatch(/^option "k" must be an integer in 1\.\.256, got 0$/);
    expect(displayMessage(error)).toBe(`kmeans-quantizer: ${error.message}`);
    expect(displayMessage(new Error('kmeans-quantizer: already'))).toBe('kmeans-quantizer: already');
    expect(displayMessage('text')).toBe('kmeans-quantizer: text');
  });
});
