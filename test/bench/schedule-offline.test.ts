/**
 * The offline schedules of the scheduling bench never beat its lower bound (that would make the
 * bound wrong, or the schedules break a rule), and the search is never worse than the rule it starts from.
 */
import { describe, expect, it } from 'vitest';
import { lowerBound, SIM_LATENCY } from '../../bench/schedule-bounds.js';
import { offlineSchedules } from '../../bench/schedule-offline.js';
import { planTeam } from '../../bench/schedule-team.js';

describe('offline schedules of a planned team', () => {
  for (const seed of [1, 7, 42]) {
    it(`lie at or above the lower bound, seed ${seed}`, () => {
      const team = planTeam({ members: 10, tasks: 120, seed });
      const bound = lowerBound(team, SIM_LATENCY).ms;
      const offline = offlineSchedules(team, 20);
      for (const ms of [offline.lowestIdMs, offline.longestChainMs, offline.criticalPathMs, offline.searchedMs, offline.plannedMs]) expect(ms).toBeGreaterThanOrEqual(bound);
      expect(offline.searchedMs).toBeLessThanOrEqual(offline.criticalPathMs);
    });
  }
});
