// Free space on the root's file system against two thresholds: a warning under
// --min-free-percent, an error under --critical-free-percent.
import fs from 'node:fs';
import { formatSize } from '../../core/format/size.js';
import type { Level } from './assessTask.js';

export interface DiskThresholds {
  minFreePercent: number;
  criticalFreePercent: number;
}

export interface DiskCheck {
  level: Level;
  message: string;
  /** Bytes available to an unprivileged user (what a task can write). */
  free_bytes: number;
  total_bytes: number;
  free_percent: number;
  min_free_percent: number;
  critical_free_percent: number;
}

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

/** Reads the file system of `root` (statfs). */
export function readDiskSpace(root: string): DiskSpace {
  const stats = fs.statfsSync(root);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

/** Judges free space (pure). A file system reporting no size (some pseudo ones) is fine. */
export function judgeDisk(space: DiskSpace, thresholds: DiskThresholds): DiskCheck {
  const percent = space.totalBytes > 0 ? (space.freeBytes / space.totalBytes) * 100 : 100;
  const rounded = Math.round(percent * 10) / 10;
  const level = percent < thresholds.criticalFreePercent ? 'error' : percent < thresholds.minFreePercent ? 'warning' : 'ok';
  const free = `${rounded}% free (${formatSize(space.freeBytes)} of ${formatSize(space.totalBytes)})`;
  const message =
    level === 'error'
      ? `${free}, under the critical ${thresholds.criticalFreePercent}%`
      : level === 'warning'
        ? `${free}, under ${thresholds.minFreePercent}%`
        : free;
  return {
    level,
    message,
    free_bytes: space.freeBytes,
    total_bytes: space.totalBytes,
    free_percent: rounded,
    min_free_percent: thresholds.minFreePercent,
    critical_free_percent: thresholds.criticalFreePercent,
  };
}
