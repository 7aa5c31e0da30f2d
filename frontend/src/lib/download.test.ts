import { describe, expect, it, vi } from 'vitest';
import { downloadWithKey, DownloadError, fetchDocument, fileNameOf, saveBlob } from './download';

function pdf(headers: Record<string, string> = {}) {
  return vi.fn(async () => new Response(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]), { status: 200, headers }));
}

describe('fileNameOf', () => {
  it('takes the name the service gives in Content-Disposition', () => {
    expect(fileNameOf('attachment; filename="INV-2026-000001.pdf"', '/invoices/12.pdf')).toBe('INV-2026-000001.pdf');
    expect(fileNameOf('attachment; filename=draft-1-2026-11.csv', '/invoices/12.csv')).toBe('draft-1-2026-11.csv');
    expect(fileNameOf(`attachment; filename="x.pdf"; filename*=UTF-8''Rechnung%20%C3%A4.pdf`, '/a')).toBe('Rechnung ä.pdf');
  });
  it('falls back to the last segment of the URL, and never keeps a folder', () => {
    expect(fileNameOf(null, '/invoices/12/lines/3.csv?x=1')).toBe('3.csv');
    expect(fileNameOf('attachment', '/invoices/12.xlsx')).toBe('12.xlsx');
    expect(fileNameOf('attachment; filename="../../etc/passwd"', '/a')).toBe('passwd');
    expect(fileNameOf(null, '/')).toBe('download');
  });
});

describe('fetchDocument', () => {
  it('sends the key as a bearer token and reads the file name', async () => {
    const f = pdf({ 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="INV-2026-000001.pdf"' });
    const { blob, fileName } = await fetchDocument('/invoices/12.pdf', 'bo_key', f);
    expect(fileName).toBe('INV-2026-000001.pdf');
    expect(new Uint8Array(await blob.arrayBuffer()).slice(0, 4)).toEqual(new Uint8Array([0x25, 0x50, 0x44, 0x46]));
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/invoices/12.pdf');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer bo_key');
  });

  it('turns refusals into messages with the status', async () => {
    const refuse = (status: number, error: string) =>
      vi.fn(async () => new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } }));
    await expect(fetchDocument('/invoices/9.pdf', 'k', refuse(404, 'no such invoice'))).rejects.toThrow('Not found: no such invoice.');
    await expect(fetchDocument('/invoices/9.pdf', 'k', refuse(401, 'invalid or revoked API key'))).rejects.toThrow('sign in again');
    const e = await fetchDocument('/invoices/9.pdf', 'k', refuse(503, 'the document cannot be rendered now')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect((e as DownloadError).status).toBe(503);
    expect((e as DownloadError).message).toBe('The document could not be downloaded (HTTP 503: the document cannot be rendered now).');
  });

  it('reports an unreachable service', async () => {
    const f = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(fetchDocument('/invoices/1.pdf', 'k', f)).rejects.toThrow('cannot be reached (Failed to fetch)');
  });
});

describe('downloadWithKey', () => {
  it('saves the blob under the service’s name', async () => {
    const save = vi.fn();
    const name = await downloadWithKey('/invoices/12/lines/3.csv', 'k', {
      fetchImpl: pdf({ 'content-disposition': 'attachment; filename="INV-2026-000001-line-3.csv"' }),
      save,
    });
    expect(name).toBe('INV-2026-000001-line-3.csv');
    expect(save).toHaveBeenCalledTimes(1);
    expect(save.mock.calls[0]?.[1]).toBe('INV-2026-000001-line-3.csv');
    expect((save.mock.calls[0]?.[0] as Blob).size).toBe(5);
  });

  it('saves nothing when the service refuses', async () => {
    const save = vi.fn();
    const f = vi.fn(async () => new Response('{}', { status: 403 }));
    await expect(downloadWithKey('/invoices/1.pdf', 'k', { fetchImpl: f, save })).rejects.toThrow('Not allowed for your role');
    expect(save).not.toHaveBeenCalled();
  });
});

describe('saveBlob', () => {
  it('clicks a hidden link named after the file, then lets it go', () => {
    vi.useFakeTimers();
    const create = vi.fn(() => 'blob:doc');
    const revoke = vi.fn();
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: revoke });
    const clicked: { download: string; href: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    saveBlob(new Blob(['%PDF-']), 'INV-2026-000001.pdf');
    expect(clicked).toEqual([{ download: 'INV-2026-000001.pdf', href: 'blob:doc' }]);
    expect(document.querySelectorAll('a').length).toBe(0);
    vi.runAllTimers();
    expect(revoke).toHaveBeenCalledWith('blob:doc');
    click.mockRestore();
    vi.useRealTimers();
  });
});
