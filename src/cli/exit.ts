/**
 * The CLI's exit codes, one per kind of outcome, and the typed errors of the outcomes that are the CLI's
 * own (a refused overwrite, a quality floor not reached, an output not smaller than its input, a batch
 * with failures). Library errors keep their classes and codes (src/errors.ts); {@link exitCodeOf} maps
 * any thrown value to its code. The list is documented in `--help`, the README's CLI section and src/cli.ts.
 */
import { errorCode } from '../errors.js';

export const EXIT = {
  /** Everything asked for was done. */
  OK: 0,
  /** A runtime error: a file that can't be read, decoded or written, a missing directory, no GPU. */
  RUNTIME: 1,
  /** A usage error: bad flags or values (a UsageError). */
  USAGE: 2,
  /** An output exists, or is the input, and --force was not given: nothing written. */
  REFUSED: 3,
  /** The input is an image in a format this build does not decode (HEIF, BMP, JPEG XL; GIF, WebP, AVIF, TIFF without sharp). */
  UNSUPPORTED_FORMAT: 4,
  /** Several inputs: at least one file failed (the others were still written). */
  BATCH_FAILED: 5,
  /** --skip-if-larger: the output would not be smaller than the input, so it was not written (as pngquant). */
  NOT_SMALLER: 98,
  /** --min-psnr / --quality: the quality floor could not be reached, so nothing was written (as pngquant). */
  QUALITY_TOO_LOW: 99,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The stable codes of the CLI's own outcomes. */
export type CliCode = 'OUTPUT_EXISTS' | 'QUALITY_TOO_LOW' | 'NOT_SMALLER';

const EXIT_OF_CODE: Record<CliCode, ExitCode> = {
  OUTPUT_EXISTS: EXIT.REFUSED,
  QUALITY_TOO_LOW: EXIT.QUALITY_TOO_LOW,
  NOT_SMALLER: EXIT.NOT_SMALLER,
};

/** An outcome of the CLI's own, with a stable `code` (as the library's errors have) and its exit code. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: ExitCode;
  constructor(readonly code: CliCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = EXIT_OF_CODE[code];
  }
}

/** The exit code of a thrown value: usage errors (by name, to avoid an import cycle with args.ts) 2, the CLI's own outcomes theirs, else 1. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof Error && error.name === 'UsageError') return EXIT.USAGE;
  if (errorCode(error) === 'UNSUPPORTED_FORMAT') return EXIT.UNSUPPORTED_FORMAT;
  return EXIT.RUNTIME;
}
