import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

/* Media inputs made in the test itself: sharp for images, ffmpeg's lavfi sources for video and audio, a PDF by hand. */

const run = promisify(execFile);

/** A `width` x `height` diagonal gradient with a few shapes, as an SVG sharp renders. */
function gradientSvg(width: number, height: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1e3a8a"/><stop offset="1" stop-color="#f59e0b"/></linearGradient></defs>' +
      `<rect width="${width}" height="${height}" fill="url(#g)"/>` +
      `<circle cx="${width / 3}" cy="${height / 2}" r="${height / 5}" fill="#10b981"/></svg>`,
  );
}

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'tiff' | 'webp';

/** A gradient image in `format`; JPEGs carry EXIF (Make/Model/ImageDescription). */
export async function makeImage(format: ImageFormat, width = 2000, height = 1500): Promise<Buffer> {
  const base = sharp(gradientSvg(width, height));
  switch (format) {
    case 'jpeg':
      return base.jpeg({ quality: 85 }).withExif({ IFD0: { Make: 'Atelier', Model: 'TestCam 1', ImageDescription: 'gradient' } }).toBuffer();
    case 'png':
      return base.png().toBuffer();
    case 'gif':
      return base.gif().toBuffer();
    case 'tiff':
      return base.tiff({ compression: 'lzw' }).toBuffer();
    case 'webp':
      return base.webp({ quality: 80 }).toBuffer();
  }
}

/** Runs ffmpeg into a temp file and returns the bytes. */
async function ffmpegMake(args: string[], ext: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-fixture-'));
  try {
    const out = join(dir, `out.${ext}`);
    await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An H.264/AAC MP4 test pattern with a sine tone. */
export function makeVideo(options: { seconds?: number; size?: string } = {}): Promise<Buffer> {
  const seconds = options.seconds ?? 2;
  const size = options.size ?? '1280x720';
  return ffmpegMake(
    [
      '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=${size}:rate=25`,
      '-f', 'lavfi', '-i', `sine=duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    ],
    'mp4',
  );
}

/** A sine tone as WAV. */
export function makeAudio(seconds = 2): Promise<Buffer> {
  return ffmpegMake(['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`], 'wav');
}

/** A valid one-page Letter PDF (612x792 pt) with a filled rectangle, written by hand (offsets computed). */
export function makePdf(): Buffer {
  const content = '0 0 1 rg 100 100 300 400 re f';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A JPEG header (SOI + APP0 JFIF) followed by garbage: sniffed as JPEG, undecodable. */
export function corruptJpeg(): Buffer {
  const head = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');
  const junk = Buffer.alloc(4000);
  for (let i = 0; i < junk.length; i++) {
    junk[i] = (i * 7919 + 13) % 251;
  }
  return Buffer.concat([head, junk]);
}

/** A Photoshop header ("8BPS", version 1): sniffed as image/vnd.adobe.photoshop. */
export function fakePsd(): Buffer {
  return Buffer.concat([Buffer.from('8BPS', 'latin1'), Buffer.from('000100000000000000030000000a0000000a00080003', 'hex'), Buffer.alloc(200)]);
}

/** ffprobe's codec and size of the first video stream of a buffer. */
export async function probeVideo(data: Buffer): Promise<{ codec: string; width: number; height: number; audio: string | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-probe-'));
  try {
    const file = join(dir, 'in.mp4');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, data);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', file]);
    const streams = (JSON.parse(stdout) as { streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }> }).streams;
    const v = streams.find((s) => s.codec_type === 'video');
    return { codec: v?.codec_name ?? '', width: v?.width ?? 0, height: v?.height ?? 0, audio: streams.find((s) => s.codec_type === 'audio')?.codec_name };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
