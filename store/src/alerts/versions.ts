let last = 0;

/**
 * Versions for ReplacingMergeTree rows: microseconds since the epoch, strictly increasing within
 * a process, so a later write of the same key always replaces an earlier one.
 */
export function nextVersion(): number {
  last = Math.max(Date.now() * 1000, last + 1);
  return last;
}
