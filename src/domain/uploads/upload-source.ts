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

/** What the client declared about the bytes; checked by the blob store while they arrive. */
export interface ExpectedContent {
  sha256?: string | undefined;
  size?: number | undefined;
}

/**
 * How a surface hands an upload request to the domain without the domain seeing HTTP: `read` consumes the
 * request, passing the file stream to `receive` (which stores it), and returns the metadata fields.
 */
export interface UploadSource {
  fieldsIn: FieldProblem['in'];
  /** The request body's length when known before reading it (Content-Length); a form's includes its fields. */
  bodyBytes?: number | undefined;
  /** `expected`: the declared size and checksum when they are known before the bytes (raw bodies, query fields). */
  read(
    receive: (stream: Readable, fileName: string, expected?: ExpectedContent) => Promise<ReceivedFile>,
  ): Promise<{ file: ReceivedFile | undefined; fields: UploadFields }>;
}
