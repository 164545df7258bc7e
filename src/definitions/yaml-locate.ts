import YAML, { type Document, type LineCounter } from 'yaml';

/**
 * The 1-based line of the node at `path` in a parsed YAML document. When the path does not
 * exist (a missing field), the line of the nearest existing parent. With `key`, the line of that
 * key inside the map at `path`.
 */
export function lineAt(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[], key?: string): number {
  let node: unknown = doc.contents;
  let line = lineOfNode(node, lineCounter) ?? 1;
  for (const segment of path) {
    if (YAML.isMap(node)) {
      const pair = node.items.find((item) => YAML.isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return line;
      line = lineOfNode(pair.value, lineCounter) ?? lineOfNode(pair.key, lineCounter) ?? line;
      node = pair.value;
    } else if (YAML.isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return line;
      line = lineOfNode(item, lineCounter) ?? line;
      node = item;
    } else {
      return line;
    }
  }
  if (key !== undefined && YAML.isMap(node)) {
    const pair = node.items.find((item) => YAML.isScalar(item.key) && String(item.key.value) === key);
    if (pair) return lineOfNode(pair.key, lineCounter) ?? line;
  }
  return line;
}

function lineOfNode(node: unknown, lineCounter: LineCounter): number | undefined {
  if (!YAML.isNode(node) || !node.range) return undefined;
  return lineCounter.linePos(node.range[0]).line;
}
