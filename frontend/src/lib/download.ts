// Invoice documents (`/invoices/12.pdf`, a line's records as CSV) are served with the same
// authorization as GraphQL, so a plain link, which sends no header, is refused: the file is
// fetched with the session's key and handed to the browser as a blob.

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/**
 * The file name a response names in `Content-Disposition` (`filename*=UTF-8''…` first, then
 * `filename="…"`), else the last segment of the URL's path: `/invoices/12.pdf` → `12.pdf`.
 */
export function fileNameOf(disposition: string | null | undefined, url: string): string {
  if (disposition) {
    const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
    if (star?.[1]) {
      try {
        return sanitize(decodeURIComponent(star[1].trim()));
      } catch {
        // A malformed escape: fall through to the plain name.
      }
    }
    const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(disposition);
    const name = (plain?.[1] ?? plain?.[2] ?? '').trim();
    if (name) return sanitize(name);
  }
  const path = url.split(/[?#]/)[0] ?? '';
  return sanitize(path.split('/').filter(Boolean).pop() ?? 'download');
}

/** No folders in a name a server chose. */
function sanitize(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  return base || 'download';
}

/** Why the service refused a document, for people; its JSON body says `{"error": "…"}`. */
async function refusal(response: Response): Promise<string> {
  let detail = '';
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === 'string') detail = body.error;
  } catch {
    // Not JSON: the status says enough.
  }
  if (response.status === 401) return 'Your session is no longer valid: sign in again.';
  if (response.status === 403) return `Not allowed for your role${detail ? `: ${detail}` : ''}.`;
  if (response.status === 404) return `Not found${detail ? `: ${detail}` : ''}.`;
  return `The document could not be downloaded (HTTP ${response.status}${detail ? `: ${detail}` : ''}).`;
}

/** Fetches a document with the key as a bearer token; rejects with a `DownloadError`. */
export async function fetchDocument(
  url: string,
  key: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ blob: Blob; fileName: string }> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { authorization: `Bearer ${key}` } });
  } catch (e) {
    throw new DownloadError(`The service cannot be reached (${(e as Error).message}).`, null);
  }
  if (!response.ok) throw new DownloadError(await refusal(response), response.status);
  return { blob: await response.blob(), fileName: fileNameOf(response.headers.get('content-disposition'), url) };
}

/** Hands a blob to the browser as a download named `fileName`. */
export function saveBlob(blob: Blob, fileName: string, doc: Document = document): void {
  const href = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = href;
  a.download = fileName;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // The click starts the download synchronously; the URL can go once it has.
  setTimeout(() => URL.revokeObjectURL(href), 1_000);
}

/** Fetches a document with the key and saves it; resolves with the file name. */
export async function downloadWithKey(
  url: string,
  key: string,
  { fetchImpl = fetch, save = saveBlob }: { fetchImpl?: typeof fetch; save?: (blob: Blob, fileName: string) => void } = {},
): Promise<string> {
  const { blob, fileName } = await fetchDocument(url, key, fetchImpl);
  save(blob, fileName);
  return fileName;
}
