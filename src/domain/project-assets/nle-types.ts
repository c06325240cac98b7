import { fileExtension } from '../../lib/safe-path.js';

/*
 * The `type` of a medialoopster project asset: the NLE that made its project file (seed 003: "Adobe Premiere Pro"
 * for a .prproj; "" for the .fcp of the list example). Decided from the project file's extension, and for XML
 * interchange files, whose extension says nothing, from the root element of their first bytes.
 * docs/medialoopster-bundles.md lists the table.
 */

/** Extension (lower case, no dot) to NLE name. `.fcp` (Final Cut Pro 7 binary) stays "" as in the seed's example. */
const BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['prproj', 'Adobe Premiere Pro'],
  ['prel', 'Adobe Premiere Elements'],
  ['aep', 'Adobe After Effects'],
  ['avp', 'Avid Media Composer'],
  ['avb', 'Avid Media Composer'],
  ['avs', 'Avid Media Composer'],
  ['fcpbundle', 'Final Cut Pro'],
  ['fcpxml', 'Final Cut Pro'],
  ['fcpxmld', 'Final Cut Pro'],
  ['drp', 'DaVinci Resolve'],
  ['drt', 'DaVinci Resolve'],
  ['veg', 'VEGAS Pro'],
  ['kdenlive', 'Kdenlive'],
  ['mlt', 'Shotcut'],
  ['ezp', 'EDIUS'],
  ['lwks', 'Lightworks'],
  ['imovieproj', 'iMovie'],
]);

/** Root elements of XML project and interchange files. */
const BY_XML_ROOT: ReadonlyArray<readonly [RegExp, string]> = [
  [/<fcpxml[\s>]/, 'Final Cut Pro'],
  [/<xmeml[\s>]/, 'Final Cut Pro 7'],
  [/<PremiereData[\s>]/, 'Adobe Premiere Pro'],
  [/<kdenlivedoc[\s>]|<mlt[^>]*producer="kdenlive/, 'Kdenlive'],
  [/<mlt[\s>]/, 'Shotcut'],
];

/** gzip magic: a .prproj is gzip-compressed XML. */
const isGzip = (head: Buffer): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

/**
 * The NLE of a project file from its path and, when the file is in Atelier, its first bytes (`head`). The extension
 * decides when it names an NLE; otherwise (.xml, no extension) the XML root element does; "" when neither says.
 */
export function nleTypeOf(pathFile: string, head?: Buffer): string {
  const name = pathFile.slice(pathFile.lastIndexOf('/') + 1);
  const byExt = BY_EXTENSION.get(fileExtension(name));
  if (byExt !== undefined) {
    return byExt;
  }
  if (head === undefined || head.length === 0 || isGzip(head)) {
    return '';
  }
  const text = head.toString('utf8');
  for (const [pattern, nle] of BY_XML_ROOT) {
    if (pattern.test(text)) {
      return nle;
    }
  }
  return '';
}
