/** DateTime64 values go in as ISO strings read with best_effort, so no server time zone applies. */
export const INSERT_SETTINGS = { date_time_input_format: 'best_effort' } as const;

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Rows changed by inserting a newer version: never older than what it replaces. */
export const nextVersion = (previous = 0): number => Math.max(Date.now(), previous + 1);
