import { Box, Text } from 'ink';
import { fitLine, type Line } from './lines.js';

export function LineView({ line, width }: { line: Line; width: number }) {
  const fitted = fitLine(line, width);
  if (fitted.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {fitted.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold} dimColor={s.dim} inverse={s.inverse} italic={s.italic}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/** Exactly `height` rows (when given) of at most `width` cells: extra lines are dropped. */
export function Lines({ lines, width, height }: { lines: Line[]; width: number; height?: number }) {
  const shown = height === undefined ? lines : lines.slice(0, height);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {shown.map((line, i) => (
        <Box key={i} height={1} flexShrink={0}>
          <LineView line={line} width={width} />
        </Box>
      ))}
    </Box>
  );
}
