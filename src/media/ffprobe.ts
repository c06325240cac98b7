import { basename, dirname } from 'node:path';
import { runTool, unprocessable, type ToolLimits } from './tool.js';

/**
 * Demuxers ffmpeg/ffprobe may use on uploaded files. Playlists (hls, concat), image sequences and other formats
 * that open further files or URLs are left out: with `-protocol_whitelist file` they could still read local files.
 */
export const AV_FORMAT_WHITELIST = [
  'mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'avi', 'flv', 'asf', 'mpeg', 'mpegts', 'mxf', 'dv',
  'ogg', 'wav', 'w64', 'aiff', 'caf', 'mp3', 'flac', 'aac', 'ac3', 'eac3', 'wv', 'amr', 'au', 'h264', 'hevc', 'm4v',
].join(',');

/** The input options every ffmpeg/ffprobe run uses: only local files, only the whitelisted demuxers. */
export function inputArgs(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', AV_FORMAT_WHITELIST, '-i', `file:${basename(path)}`];
}

export interface ProbeResult {
  formatName: string | undefined;
  durationSeconds: number | undefined;
  bitRate: number | undefined;
  video: { codec: string; width: number; height: number; frameRate: number | undefined; rotation: number | undefined } | undefined;
  audio: { codec: string; sampleRate: number | undefined; channels: number | undefined } | undefined;
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
  side_data_list?: Array<{ rotation?: number }>;
}

interface RawProbe {
  format?: { format_name?: string; duration?: string; bit_rate?: string };
  streams?: RawStream[];
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

function frameRate(text: string | undefined): number | undefined {
  const [a, b] = (text ?? '').split('/').map(Number);
  return a && b ? Math.round((a / b) * 1000) / 1000 : undefined;
}

/** ffprobe's facts about an audio or video file (duration, bit rate, first video and audio stream). */
export async function probeMedia(path: string, limits: ToolLimits): Promise<ProbeResult> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...inputArgs(path)];
  const { stdout } = await runTool('ffprobe', args, { ...limits, cwd: dirname(path) });
  let raw: RawProbe;
  try {
    raw = JSON.parse(stdout) as RawProbe;
  } catch (err) {
    throw unprocessable('ffprobe gave no readable answer.', err);
  }
  const streams = raw.streams ?? [];
  // Cover art in audio files is a "video" stream with attached_pic; it is not the picture of a video.
  const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const a = streams.find((s) => s.codec_type === 'audio');
  return {
    formatName: raw.format?.format_name,
    durationSeconds: num(raw.format?.duration),
    bitRate: num(raw.format?.bit_rate),
    video:
      v && v.width && v.height
        ? { codec: v.codec_name ?? 'unknown', width: v.width, height: v.height, frameRate: frameRate(v.avg_frame_rate), rotation: num(v.side_data_list?.find((d) => d.rotation !== undefined)?.rotation) }
        : undefined,
    audio: a ? { codec: a.codec_name ?? 'unknown', sampleRate: num(a.sample_rate), channels: num(a.channels) } : undefined,
  };
}
