import type { Readable } from 'node:stream';
import type { FieldProblem } from '../errors.js';
import type { ReceivedFile } from './receive.js';

/** Metadata that comes with a single-request upload (multipart fields or query parameters). */
export interface UploadFields {
  fileName?: string | undefined;
  name?: string | undefined;
  fileLocation?: string | undefined;
  description?: string | undefined;
  assetId?: string | undefined;
  versionName?: string | undefined;
  versionDescription?: string | undefined;
  checksum?: string | undefined;
  size?: number | undefined;
}

/**
 * How a surface hands an upload request to the domain without the domain seeing HTTP: `read` consumes the
 * request, passing the file stream to `receive` (which stores it), and returns the metadata fields.
 */
export interface UploadSource {
  fieldsIn: FieldProblem['in'];
  read(receive: (stream: Readable, fileName: string) => Promise<ReceivedFile>): Promise<{ file: ReceivedFile | undefined; fields: UploadFields }>;
}
