/**
 * `attachment; filename="..."; filename*=UTF-8''...` (RFC 6266 §4.3 with RFC 8187 encoding): an ASCII fallback for
 * old clients and the exact UTF-8 name for the rest. Quotes, backslashes and control characters never reach the
 * quoted form, so a file name cannot inject header parameters.
 */
export function contentDisposition(fileName: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
