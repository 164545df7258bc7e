import { type Command, Option } from 'commander';
import { boardFlag } from '../board-access.js';
import { processIO, type CommandIO } from '../io.js';
import { answerQuestion } from './answer-action.js';
import { exportRun, showRuns, showStatus } from './runs-actions.js';

export { nextStep } from './runs-actions.js';

export function registerRunCommands(program: Command, io: CommandIO = processIO): void {
  program
    .command('runs')
    .description('list runs: how each ended and what it cost')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await showRuns(io, boardFlag(program), opts);
    });

  program
    .command('status [run]')
    .description('a run at a glance: members, tasks, gates and open questions')
    .option('--json', 'print JSON')
    .action(async (runText: string | undefined, opts: { json?: boolean }) => {
      await showStatus(io, boardFlag(program), runText, opts);
    });

  program
    .command('answer <run> <question> <answers...>')
    .description('answer an open question: an option number, its label, or your own words (one answer per part)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  team answer 3 q2 "Canary 10%"\n  team answer 3 q4 1\n  team answer 3 q4 "approve: EU customers first"   (an option with a note)\n  team answer 3 q5 "AUC,Recall"     (multi-select: comma-separated)')
    .action(async (runText: string, questionText: string, answers: string[], opts: { json?: boolean }) => {
      await answerQuestion(io, boardFlag(program), runText, questionText, answers, opts);
    });

  program
    .command('export <run>')
    .description('a readable report of a run: timeline, decisions, metrics and cost')
    .addOption(new Option('--format <format>', 'md (Markdown), json, or html (one self-contained page)').choices(['md', 'json', 'html']).default('md'))
    .option('--json', 'the same as --format json')
    .addHelpText('after', '\nExamples:\n  team export 3 > run-3.md\n  team export 3 --format html > run-3.html')
    .action(async (runText: string, opts: { format: 'md' | 'json' | 'html'; json?: boolean }) => {
      await exportRun(io, boardFlag(program), runText, { format: opts.json ? 'json' : opts.format });
    });
}
