import { useEffect, useState } from 'react';
import { fileUrl } from '../api/client';

/**
 * A `blob:` URL for a file the API serves (the request carries the session's headers, which an <img src> could
 * not); null while it loads, when `path` is null, or when it cannot be read.
 */
export function useFile(path: string | null): string | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSrc(null);
    if (path) {
      fileUrl(path).then((u) => live && setSrc(u), () => undefined);
    }
    return () => {
      live = false;
    };
  }, [path]);
  return src;
}
