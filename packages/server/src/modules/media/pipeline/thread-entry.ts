// The entry file of the image pipeline thread (../pipeline-thread.ts): processes what the server
// thread sends, one message per upload, and answers with the result or the error as data.
import { parentPort } from 'node:worker_threads';
import { configureSharp } from './configure.js';
import { ImageRejectedError } from './errors.js';
import { processImage } from './process.js';
import type { PipelineJob, PipelineReply } from './thread-protocol.js';

if (!parentPort) throw new Error('thread-entry.js runs as a worker thread of the image pipeline');
const port = parentPort;
// libvips' settings are per process and the server thread made them already; this only keeps the
// loader block list true should this file ever be the first to load sharp.
configureSharp();

port.on('message', (job: PipelineJob) => {
  const input = Buffer.from(job.input.buffer, job.input.byteOffset, job.input.byteLength);
  processImage(input, job.options).then(
    (image) => port.postMessage({ id: job.id, image } satisfies PipelineReply),
    (error: unknown) => port.postMessage(replyToError(job.id, error)),
  );
});

function replyToError(id: number, error: unknown): PipelineReply {
  if (error instanceof ImageRejectedError) return { id, rejected: { code: error.code, message: error.message } };
  if (error instanceof Error) return { id, failed: { message: error.message, stack: error.stack } };
  return { id, failed: { message: String(error), stack: undefined } };
}
