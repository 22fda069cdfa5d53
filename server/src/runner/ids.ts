import crypto from 'node:crypto';

/**
 * A job id derived from what the job is for, as a UUID (pg-boss ids are UUIDs). The same
 * dispatch at the same instant always gets the same id, so enqueueing it twice — a replayed
 * transaction, a scan that finds it again — inserts one job.
 */
export function jobId(...parts: string[]): string {
  const hex = crypto.createHash('sha256').update(parts.join('\0')).digest('hex');
  // Shaped as a version-5-style UUID (name-based) so every UUID parser accepts it.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
