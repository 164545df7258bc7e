/**
 * The order in which claimable tasks are offered and taken (docs/decisions/0014): the run's planned
 * order first, then tasks without a place in it (created during the run), each group lowest id first.
 * Without a plan every rank is null and this is lowest id first.
 */
export function claimOrder(a: { id: number; planRank: number | null }, b: { id: number; planRank: number | null }): number {
  if (a.planRank !== b.planRank) {
    if (a.planRank === null) return 1;
    if (b.planRank === null) return -1;
    return a.planRank - b.planRank;
  }
  return a.id - b.id;
}
