/** The board's time source, shared by a board and its store; the runtime swaps in a virtual clock. */
export interface BoardClock {
  now(): number;
}

export function createClock(): BoardClock & { set(now: () => number): void } {
  let source = (): number => Date.now();
  return {
    now: () => source(),
    set(now) {
      source = now;
    },
  };
}
