/**
 * What `team answer` does, apart from parsing its arguments: the commander command (./runs.ts) and
 * the plain forms' own dispatch (../plain-commands.ts) both call it, and neither makes it load commander.
 */
import { human } from '../../board/actor.js';
import { assertOpen, describeAnswers, parseQuestionId, resolveAnswers } from '../../board/answers.js';
import { BoardError } from '../../board/errors.js';
import { resolveRun, withBoard } from '../board-access.js';
import { printJson, type CommandIO } from '../io.js';

/** `team answer`: answer an open question, each part checked against its options before anything is written. */
export async function answerQuestion(io: CommandIO, boardOption: string | undefined, runText: string, questionText: string, answers: string[], opts: { json?: boolean }): Promise<void> {
  await withBoard(io, { board: boardOption, mustExist: true }, async (board) => {
    const run = await resolveRun(board, io, runText);
    const id = parseQuestionId(questionText);
    const question = await board.getQuestion(run.id, id);
    if (!question) throw new BoardError('not_found', `question q${id} does not exist in run ${run.id}; see open questions with \`team status ${run.id}\``);
    // Checked here, before anything is written: a refused answer says why and lists the options.
    assertOpen(question);
    const resolved = resolveAnswers(question.payload, answers, question.kind);
    await board.answerQuestion(run.id, id, resolved, 'cli', human);
    if (opts.json) return printJson(io, { question: `q${id}`, answers: resolved });
    io.stdout(`Answered q${id}: ${describeAnswers(resolved)}\n`);
  });
}
