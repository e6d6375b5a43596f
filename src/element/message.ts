/**
 * How the element (and the demo page) show an error's message: `errorMessage()` of src/errors.ts. Library
 * messages no longer carry the `kmeans-quantizer: ` prefix; while some still do, it is dropped here, once,
 * and nowhere else.
 */
import { errorMessage, MESSAGE_PREFIX } from '../errors.js';

/** The message of any thrown value, for a person: no library prefix. */
export function shownMessage(error: unknown): string {
  const message = errorMessage(error);
  return message.startsWith(MESSAGE_PREFIX) ? message.slice(MESSAGE_PREFIX.length) : message;
}
