/**
 * `-` as the input (the image is read from stdin) and as -o (the PNG is written to stdout, binary safe:
 * nothing else goes to stdout then). Both refuse a terminal: an image is neither typed nor shown there.
 */
import { QuantizerError } from '../errors.js';
import { UsageError } from './args.js';

interface InStream extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
}

interface OutStream {
  isTTY?: boolean;
  write(bytes: Uint8Array, callback: (error?: Error | null) => void): boolean;
  once(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/** Every byte of stdin, until it ends. */
export async function readStdin(stream: InStream = process.stdin): Promise<Uint8Array> {
  if (stream.isTTY) throw new QuantizerError('IO', 'the input "-" is stdin, which is a terminal: pipe or redirect an image into it (kmeans-quantizer - -k 16 -o out.png < in.png)');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}

/** Refuses `-o -` on a terminal, before any work (a usage error). */
export function checkBinaryStdout(stream: Pick<OutStream, 'isTTY'> = process.stdout): void {
  if (stream.isTTY) throw new UsageError('INVALID_TYPE', '-o - writes the PNG to stdout, which is a terminal: redirect or pipe it (-o - > out.png)');
}

/** Writes `bytes` to stdout and resolves once they are handed to the system (a closed pipe is an IO error). */
export function writeStdout(bytes: Uint8Array, stream: OutStream = process.stdout): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(new QuantizerError('IO', `cannot write the PNG to stdout: ${error.message}`, { cause: error }));
    stream.once('error', fail);
    stream.write(bytes, (error) => {
      stream.off('error', fail);
      if (error) fail(error);
      else resolve();
    });
  });
}
