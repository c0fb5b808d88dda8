/** The parts of Sightline a process can run; all three together is the all-in-one. */
export const ROLES = ['receive', 'ingest', 'query'] as const;
export type Role = (typeof ROLES)[number];
