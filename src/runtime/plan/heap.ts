/**
 * A binary min-heap of small integers, each pushed with a number key: the smallest key comes out
 * first, ties by the smaller integer. The planner's ready lists and its clock.
 */
export class Heap {
  private readonly items: number[] = [];
  private readonly keys: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  /** The key of the item peek() returns. */
  peekKey(): number | undefined {
    return this.keys[0];
  }

  push(item: number, key: number): void {
    const { items, keys } = this;
    let at = items.length;
    items.push(item);
    keys.push(key);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const aboveItem = items[parent];
      const aboveKey = keys[parent];
      if (aboveItem === undefined || aboveKey === undefined || !comesFirst(item, key, aboveItem, aboveKey)) break;
      items[at] = aboveItem;
      keys[at] = aboveKey;
      at = parent;
    }
    items[at] = item;
    keys[at] = key;
  }

  pop(): number | undefined {
    const { items, keys } = this;
    const top = items[0];
    const last = items.pop();
    const lastKey = keys.pop();
    if (top === undefined || last === undefined || lastKey === undefined || items.length === 0) return top;
    const size = items.length;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      let child = left;
      let childItem = items[left];
      let childKey = keys[left];
      if (childItem === undefined || childKey === undefined) break;
      const right = left + 1;
      const rightItem = right < size ? items[right] : undefined;
      const rightKey = right < size ? keys[right] : undefined;
      if (rightItem !== undefined && rightKey !== undefined && comesFirst(rightItem, rightKey, childItem, childKey)) {
        child = right;
        childItem = rightItem;
        childKey = rightKey;
      }
      if (!comesFirst(childItem, childKey, last, lastKey)) break;
      items[at] = childItem;
      keys[at] = childKey;
      at = child;
    }
    items[at] = last;
    keys[at] = lastKey;
    return top;
  }
}

/** Whether item a (key ka) comes out before item b (key kb). */
export function comesFirst(a: number, ka: number, b: number, kb: number): boolean {
  return ka < kb || (ka === kb && a < b);
}
