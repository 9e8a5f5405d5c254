import { Worker } from 'node:worker_threads';
import { ImageRejectedError, processImage, type ProcessedImage, type ProcessImageOptions } from './pipeline/index.js';
import type { PipelineJob, PipelineReply } from './pipeline/thread-protocol.js';
import { pipelineThreadFile } from './pipeline-thread-file.js';

/** What turns an upload's bytes into derivatives: processImage, here or in the pipeline thread. */
export interface ImagePipeline {
  process(input: Buffer, options: ProcessImageOptions): Promise<ProcessedImage>;
}

/** processImage on the calling thread: for tools and tests that process an image or two. */
export const IN_THIS_THREAD: ImagePipeline = { process: processImage };

interface Waiting {
  /** The thread it was sent to: only that thread's end fails it. */
  worker: Worker;
  resolve: (image: ProcessedImage) => void;
  reject: (error: Error) => void;
}

/**
 * processImage in a worker thread of its own, started at the first upload and kept for the next.
 *
 * libvips does the pixel work on its own threads wherever processImage is called from; what moves
 * is the JavaScript around it (EXIF, the ThumbHash and perceptual hash loops) and, above all, the
 * garbage: an upload allocates several megabytes of pixel buffers and short-lived arrays. In the
 * server thread they land in the heap that also holds every module and request, and V8 answers
 * with a major collection every second upload under load, each marking that whole heap (tens of
 * milliseconds of CPU). The pipeline thread's heap holds little but sharp, so its collections
 * cost a fraction of that. docs/performance.md has the measurements.
 *
 * Images in flight share this one thread: processImage waits on libvips, not on JavaScript, and
 * the callers' WorkLimiter bounds how many there are. If the thread ends (an error nothing in it
 * caught, or restart()), the images in flight fail with an ordinary error, which the media
 * processor retries like any other, and the next image starts a new thread. A crash in native code
 * is not contained: signals end the whole process, thread or not.
 */
export class PipelineThread implements ImagePipeline {
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, Waiting>();
  #lastId = 0;
  #closed = false;

  process(input: Buffer, options: ProcessImageOptions): Promise<ProcessedImage> {
    if (this.#closed) return Promise.reject(new Error('The image pipeline thread is closed.'));
    const id = ++this.#lastId;
    // Anything thrown in here (a thread that cannot start) rejects the promise.
    return new Promise<ProcessedImage>((resolve, reject) => {
      const worker = this.#worker ?? this.#start();
      this.#waiting.set(id, { worker, resolve, reject });
      // Only while there is work: an idle pipeline thread never keeps the process alive.
      worker.ref();
      // A Buffer may be a view of a larger pool; cloning sends its whole ArrayBuffer, so send a copy
      // of just its bytes then.
      const whole = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength;
      const job: PipelineJob = { id, input: whole ? input : new Uint8Array(input), options };
      try {
        worker.postMessage(job);
      } catch (error) {
        this.#waiting.delete(id);
        throw error;
      }
    });
  }

  /** Ends the thread for good (images still in flight fail). The media processors stop first. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.restart();
  }

  /**
   * Ends the current thread now; the next image starts a new one. Images in flight fail with an
   * ordinary error, as when the thread dies.
   */
  async restart(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    await worker.terminate();
    this.#failAll(worker, new Error('The image pipeline thread was ended.'));
  }

  /** The running thread's id (undefined before the first image or after an end). */
  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  #start(): Worker {
    // The process's own flags, but for --input-type, which only applies to a script on the command
    // line and makes a worker refuse to load its file.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--input-type'));
    const worker = new Worker(pipelineThreadFile(), { execArgv });
    worker.unref();
    worker.on('message', (reply: PipelineReply) => this.#settle(reply));
    worker.on('error', (error) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll(worker, new Error(`The image pipeline thread failed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll(worker, new Error(`The image pipeline thread stopped (exit code ${code}).`));
    });
    this.#worker = worker;
    return worker;
  }

  #settle(reply: PipelineReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if (![...this.#waiting.values()].some((w) => w.worker === waiting.worker)) waiting.worker.unref();
    if ('image' in reply) {
      // Structured cloning delivers Uint8Arrays; callers expect Buffers over the same bytes.
      const { image } = reply;
      for (const d of image.derivatives) d.data = Buffer.from(d.data.buffer, d.data.byteOffset, d.data.byteLength);
      waiting.resolve(image);
    } else if ('rejected' in reply) {
      waiting.reject(new ImageRejectedError(reply.rejected.code, reply.rejected.message));
    } else {
      const error = new Error(reply.failed.message);
      if (reply.failed.stack !== undefined) error.stack = reply.failed.stack;
      waiting.reject(error);
    }
  }

  #failAll(worker: Worker, error: Error): void {
    for (const [id, waiting] of this.#waiting) {
      if (waiting.worker !== worker) continue;
      this.#waiting.delete(id);
      waiting.reject(error);
    }
  }
}
