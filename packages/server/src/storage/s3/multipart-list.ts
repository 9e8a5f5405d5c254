import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PendingMultipart } from '../blob-store.js';

/** Every open multipart upload of the bucket, page by page (ListMultipartUploads). */
export async function* listOpenMultipartUploads(client: S3Client, bucket: string): AsyncGenerator<PendingMultipart> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const out = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
        ...(uploadIdMarker === undefined ? {} : { UploadIdMarker: uploadIdMarker }),
      }),
    );
    for (const upload of out.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue;
      yield { key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated ?? new Date(0) };
    }
    if (!out.IsTruncated) return;
    keyMarker = out.NextKeyMarker;
    uploadIdMarker = out.NextUploadIdMarker;
  }
}
