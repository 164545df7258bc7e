import type { Clock } from '../shared/clock.js';

/** A clock that only moves when the scheduler moves it: instant runs and benchmarks. */
export interface VirtualClock extends Clock {
  readonly virtual: true;
  advanceTo(time: number): void;
}

export function createVirtualClock(start = Date.now()): VirtualClock {
  let now = start;
  return {
    virtual: true,
    now: () => now,
    advanceTo(time) {
      if (time > now) now = time;
    },
    sleep: async (ms) => {
      if (ms > 0) now += ms;
    },
  };
}

export function isVirtual(clock: Clock): clock is VirtualClock {
  return 'virtual' in clock && clock.virtual === true && 'advanceTo' in clock;
}
