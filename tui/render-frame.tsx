import { renderToString } from 'ink';
import type { BoardSnapshot } from '../src/board/snapshot.js';
import { BoardView } from './BoardView.js';
import type { Size } from './layout.js';
import { newDraft } from './question-input.js';

/** One frame of the board as a string, without a terminal (benchmarks, docs, static output). */
export function renderFrame(snapshot: BoardSnapshot, size: Size, color = false, now = snapshot.run.startedAt + snapshot.run.elapsedMs): string {
  const question = snapshot.questions[0] ?? null;
  return renderToString(
    <BoardView
      color={color}
      snapshot={snapshot}
      size={size}
      now={now}
      mode="attach"
      focus={question ? 'question' : 'board'}
      selectedId={null}
      detail={null}
      detailScroll={0}
      question={question}
      draft={question ? newDraft(question.id) : null}
      confirmStop={false}
      notice={null}
      error={null}
    />,
    { columns: size.columns },
  );
}
