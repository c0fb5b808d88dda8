/** The parts of Sightline a process can run; all of them together is the all-in-one. */
export const ROLES = ['receive', 'ingest', 'query', 'alerting'] as const;
export type Role = (typeof ROLES)[number];
