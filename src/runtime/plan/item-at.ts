/**
 * The planner's checked reads of its arrays: they are built with a known length and read by numbers
 * that index them, so an index out of range is a bug in the planner, reported where it happens.
 * One reader per kind of array: a reader shared by all of them makes V8's read of the element generic,
 * which took the planner 1.8 times the CPU.
 */

export class PlanIndexError extends Error {
  override name = 'PlanIndexError';
}

function outOfRange(index: number, length: number): never {
  throw new PlanIndexError(`planner bug: index ${index} is outside a list of ${length}; report it with the team file`);
}

/** `items[index]`, or a PlanIndexError when nothing is there. */
export function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  return item === undefined ? outOfRange(index, items.length) : item;
}

export function float64At(items: Float64Array, index: number): number {
  const item = items[index];
  return item === undefined ? outOfRange(index, items.length) : item;
}

export function int32At(items: Int32Array, index: number): number {
  const item = items[index];
  return item === undefined ? outOfRange(index, items.length) : item;
}
