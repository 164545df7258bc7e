import { Box } from 'ink';
import type { BoardSnapshot, PendingQuestion } from '../src/board/snapshot.js';
import { ActivityFeed } from './ActivityFeed.js';
import { Footer, type Focus } from './Footer.js';
import { headerLines } from './Header.js';
import { allocateRows, frameHeight, layoutMode, splitBody, type Size } from './layout.js';
import { Lines } from './Lines.js';
import { MembersPanel } from './MembersPanel.js';
import { questionBanner, questionLines } from './QuestionPanel.js';
import type { AnswerDraft } from './question-input.js';
import { gridRowNeeds, TaskColumns } from './TaskColumns.js';
import { TaskDetailPanel, type DetailData } from './TaskDetailPanel.js';

export interface BoardViewProps {
  snapshot: BoardSnapshot;
  size: Size;
  now: number;
  mode: 'attach' | 'owner';
  focus: Focus;
  selectedId: number | null;
  detail: DetailData | null;
  detailScroll: number;
  /** The question being answered (it stays until answered, even if older ones arrive). */
  question: PendingQuestion | null;
  draft: AnswerDraft | null;
  confirmStop: boolean;
  notice: string | null;
  error: string | null;
}

/** The whole frame, laid out to fit `size`: never wider than its columns nor taller than rows - 1. */
export function BoardView(props: BoardViewProps) {
  const { snapshot, size, now, mode, focus, question, draft } = props;
  const width = Math.max(1, size.columns);
  const height = frameHeight(size);
  const layout = layoutMode(width);
  const header = headerLines(snapshot, now, layout, height >= 14 ? 2 : 1).slice(0, Math.max(0, height - 1));
  let rest = Math.max(0, height - header.length - 1);

  const pending = snapshot.questions.length;
  let questionBlock = null;
  if (question && focus === 'question' && draft) {
    const minBody = rest >= 16 ? 6 : 0;
    const lines = questionLines(question, draft, pending, width, Math.max(3, rest - minBody)).slice(0, rest);
    questionBlock = <Lines lines={lines} width={width} height={lines.length} />;
    rest -= lines.length;
  } else if (question && rest > 1) {
    questionBlock = <Lines lines={[questionBanner(question, pending)]} width={width} height={1} />;
    rest -= 1;
  }

  let body = null;
  if (props.detail && focus === 'detail' && rest > 2) {
    body = <TaskDetailPanel data={props.detail} startedAt={snapshot.run.startedAt} width={width} height={rest} scroll={props.detailScroll} />;
  } else if (rest > 0) {
    const split = splitBody(rest, snapshot.members.length, layout);
    const rowHeights = allocateRows(split.tasks, gridRowNeeds(snapshot.tasks, layout));
    let spare = split.tasks - rowHeights.reduce((a, b) => a + b, 0);
    const membersHeight = snapshot.members.length === 0 ? 0 : Math.min(1 + snapshot.members.length, split.members + spare);
    spare -= membersHeight - split.members;
    const feedHeight = split.feed + spare;
    body = (
      <>
        <TaskColumns columns={snapshot.tasks} pipeline={snapshot.run.pipeline} width={width} rowHeights={rowHeights} mode={layout} selectedId={props.selectedId} />
        {membersHeight > 0 ? <MembersPanel members={snapshot.members} width={width} height={membersHeight} mode={layout} /> : null}
        {feedHeight > 0 ? <ActivityFeed events={snapshot.events} startedAt={snapshot.run.startedAt} width={width} height={feedHeight} /> : null}
      </>
    );
  }

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Lines lines={header} width={width} height={header.length} />
      {questionBlock}
      {body}
      <Box flexGrow={1} />
      <Footer
        width={width}
        state={{
          focus,
          mode,
          runId: snapshot.run.id,
          runStatus: snapshot.run.status,
          hasQuestion: pending > 0,
          confirmStop: props.confirmStop,
          notice: props.notice,
          error: props.error,
        }}
      />
    </Box>
  );
}
