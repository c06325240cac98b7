import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { runTool, type ToolLimits } from './tool.js';

/* poppler-utils wrappers: pdfinfo for facts, pdftoppm to render. Both run in the job's temp dir on its input file. */

export interface PdfInfo {
  pageCount: number | undefined;
  /** First page size in PostScript points. */
  pageWidthPt: number | undefined;
  pageHeightPt: number | undefined;
  title: string | undefined;
  encrypted: boolean;
}

/** pdfinfo's page count, first page size, title and encryption flag. */
export async function pdfInfo(path: string, limits: ToolLimits): Promise<PdfInfo> {
  const { stdout } = await runTool('pdfinfo', ['-enc', 'UTF-8', '--', basename(path)], { ...limits, cwd: dirname(path) });
  const field = (name: string): string | undefined => {
    const line = stdout.split('\n').find((l) => l.startsWith(`${name}:`));
    return line?.slice(name.length + 1).trim();
  };
  const size = /([\d.]+) x ([\d.]+) pts/.exec(field('Page size') ?? '');
  const pages = Number(field('Pages'));
  return {
    pageCount: Number.isInteger(pages) ? pages : undefined,
    pageWidthPt: size ? Number(size[1]) : undefined,
    pageHeightPt: size ? Number(size[2]) : undefined,
    title: field('Title')?.slice(0, 200) || undefined,
    encrypted: (field('Encrypted') ?? 'no').startsWith('yes'),
  };
}

/** Renders page 1 as a PNG whose longest side is `size` pixels; returns the PNG's path. */
export async function renderFirstPage(path: string, size: number, limits: ToolLimits): Promise<string> {
  const prefix = 'page';
  await runTool('pdftoppm', ['-png', '-f', '1', '-l', '1', '-scale-to', String(size), '-singlefile', '--', basename(path), prefix], {
    ...limits,
    cwd: dirname(path),
  });
  return join(dirname(path), `${prefix}.png`);
}

/**
 * Renders pages 1..maxPages as PNGs whose longest side is `size` pixels, in the input's directory; returns their
 * paths in page order (pdftoppm numbers them `<prefix>-1.png` or zero-padded to the page count's width).
 */
export async function renderPages(path: string, size: number, limits: ToolLimits, maxPages: number): Promise<string[]> {
  const prefix = 'pages';
  const dir = dirname(path);
  await runTool('pdftoppm', ['-png', '-f', '1', '-l', String(maxPages), '-scale-to', String(size), '--', basename(path), prefix], { ...limits, cwd: dir });
  const names = (await readdir(dir)).filter((n) => /^pages-\d+\.png$/.test(n));
  return names.sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0])).map((n) => join(dir, n));
}
