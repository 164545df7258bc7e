/** The statuses `team tasks update --status` takes; on its own so the plain forms' dispatch reads it without loading the commands. */
export const PATCH_STATUSES = ['pending', 'in_progress', 'completed', 'deleted'] as const;
