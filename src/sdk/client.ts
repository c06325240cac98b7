import createOpenApiClient, { type Client } from 'openapi-fetch';
import { downloadAsset, type DownloadOptions, type DownloadResult } from './download.js';
import type { components, paths } from './openapi.js';
import { paginate } from './pages.js';
import { Transport, type TransportOptions } from './transport.js';
import { uploadFile, type UploadOptions, type UploadResult } from './upload.js';
import { uploadBatch, type BatchFile, type BatchResult } from './upload-batch.js';

/*
 * The typed client: `client.api` is openapi-fetch over the types generated from the server's /openapi.json (every
 * route, typed paths, parameters and bodies), sending through the Transport (auth, retries, typed errors); the
 * methods beside it are what a generated layer cannot give: resumable uploads, resumed downloads, list iterators.
 */

export type Asset = components['schemas']['Asset'];
export type Version = components['schemas']['Version'];
export type Task = components['schemas']['Task'];
export type User = components['schemas']['User'];
export type Folder = components['schemas']['Folder'];
export type SearchQuery = NonNullable<paths['/workspaces/assets/search']['get']['parameters']['query']>;
export type TaskQuery = NonNullable<paths['/workspaces/tasks']['get']['parameters']['query']>;
export type ApiClient = Client<paths>;

export interface AtelierClientOptions extends TransportOptions {}

/** Unwraps an openapi-fetch answer: the SDK's transport has already thrown for error statuses. */
export function unwrap<T>(result: { data?: T; response: Response }): T {
  return result.data as T;
}

export class AtelierClient {
  readonly transport: Transport;
  /** Every route of the API, typed from its OpenAPI document. */
  readonly api: ApiClient;

  constructor(options: AtelierClientOptions) {
    this.transport = new Transport(options);
    this.api = createOpenApiClient<paths>({ baseUrl: this.transport.baseUrl, fetch: this.transport.fetch });
  }

  /** The signed-in user (`GET /users/me`). */
  async me(): Promise<User> {
    return unwrap(await this.api.GET('/users/me'));
  }

  /** Every matching asset, page by page as the iteration goes (`GET /workspaces/assets/search`). */
  searchAssets(query: SearchQuery = {}): AsyncGenerator<Asset, void, undefined> {
    return paginate(async (cursor) => {
      const page = unwrap(await this.api.GET('/workspaces/assets/search', { params: { query: { limit: 200, ...query, ...(cursor ? { cursor } : {}) } } }));
      return { items: page.assets as Asset[], next: page.next_cursor };
    });
  }

  /** Every task matching the filters (`GET /workspaces/tasks`). */
  tasks(query: TaskQuery = {}): AsyncGenerator<Task, void, undefined> {
    return paginate(async (cursor) => {
      const page = unwrap(await this.api.GET('/workspaces/tasks', { params: { query: { limit: 500, ...query, ...(cursor ? { cursor } : {}) } } }));
      return { items: page.tasks as Task[], next: page.next_cursor };
    });
  }

  /**
   * Every item of a list that pages with `limit`/`cursor` and answers the next cursor in `x-next-cursor` (trash,
   * history, notifications, ...).
   */
  listByHeaderCursor<T = unknown>(path: string, query: Record<string, string> = {}): AsyncGenerator<T, void, undefined> {
    return paginate(async (cursor) => {
      const params = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
      const res = await this.transport.send(() => new Request(this.transport.url(`${path}?${params}`)), {});
      return { items: (await res.json()) as T[], next: res.headers.get('x-next-cursor') };
    });
  }

  /** Uploads a file resumably (tus) as a new asset, or a new version of the asset at the same folder and name. */
  upload(path: string, options?: UploadOptions): Promise<UploadResult> {
    return uploadFile(this.transport, path, options);
  }

  /** Uploads up to 100 small files in one request, committed together or not at all (`POST /workspaces/assets/batch`). */
  uploadBatch(files: readonly BatchFile[], options?: { signal?: AbortSignal | undefined }): Promise<BatchResult[]> {
    return uploadBatch(this.transport, files, options);
  }

  /** Downloads an asset's current (or a given) version to `dest`, resuming a partial download. */
  download(assetId: string, dest: string, options?: DownloadOptions): Promise<DownloadResult> {
    return downloadAsset(this.transport, assetId, dest, options);
  }
}

/** A client for one account and workspace. */
export function createClient(options: AtelierClientOptions): AtelierClient {
  return new AtelierClient(options);
}
