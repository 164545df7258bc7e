import { Box, Text } from 'ink';
import { toAnsi } from './ansi.js';
import { frameLines, type FrameState } from './board-frame.js';

export interface BoardViewProps extends FrameState {
  /** Emit colours (SGR escapes); off for tests, pipes and NO_COLOR. */
  color: boolean;
}

/**
 * The frame through Ink: one Text per terminal row (tests, and anything without a Screen). The
 * root box does not clip: every row already fits, and clipping costs Ink a slice of every row.
 */
export function BoardView(props: BoardViewProps) {
  const width = Math.max(1, props.size.columns);
  const rows = frameLines(props).map((line) => toAnsi(line, width, props.color));
  return (
    <Box flexDirection="column" width={width} height={rows.length}>
      {rows.map((row, i) => (
        <Text key={i} wrap="truncate-end">
          {row === '' ? ' ' : row}
        </Text>
      ))}
    </Box>
  );
}
