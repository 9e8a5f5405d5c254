import type { ImageRejectionCode } from './errors.js';
import type { ProcessedImage, ProcessImageOptions } from './process.js';

/** One upload for the pipeline thread (pipeline-thread.ts) to process. */
export interface PipelineJob {
  id: number;
  input: Uint8Array;
  options: ProcessImageOptions;
}

/** Its outcome: derivatives cross the thread boundary as Uint8Arrays, errors as plain data. */
export type PipelineReply =
  | { id: number; image: ProcessedImage }
  | { id: number; rejected: { code: ImageRejectionCode; message: string } }
  | { id: number; failed: { message: string; stack: string | undefined } };
