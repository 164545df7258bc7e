import { answerNote, pickedValue, recommendedAnswers } from '../board/answers.js';
import { memberActor } from '../board/actor.js';
import type { Board } from '../board/board.js';
import type { AnsweredBy, Answers, MemberConfig, Question, QuestionItem, QuestionPayload, RunConfig } from '../board/types.js';
import { commandAllowed, type CommandVerdict } from '../sandbox/command-check.js';
import type { PermissionDecision, PermissionRequest } from '../sandbox/permission.js';
import type { PartialTurn } from './transcript.js';

/**
 * Permission questions: a Bash command the member's definition does not allow (or, without a
 * sandbox, a write outside the workspace) is put to the person on the board. The call waits like an
 * AskUserQuestion call: its result is marked as awaiting the question, the turn is kept on the board,
 * and once the question is answered the call runs again and acts on the answer (durable across
 * crashes: everything it needs is the question on the board).
 *
 * "Allow this pattern for the rest of the run" is remembered by the answered question itself: a
 * member's patterns are its definition's, the team file's `sandbox.allow`, and the patterns of its
 * own permission questions answered that way. It applies to the member who asked, not the team.
 */

export const PERMISSION_HEADER = 'Permission';
export const ALLOW_ONCE = 'allow-once';
export const ALLOW_PATTERN = 'allow-pattern';
export const DENY = 'deny';

/** What the agent reads when --auto-answer decides: nobody was there to allow anything. */
export const AUTO_DENY_NOTE = 'nobody is at the board (--auto-answer denies every permission); do without it, or use a command your definition allows';

const MAX_COMMAND_CHARS = 4_000;
const MAX_PART_CHARS = 300;

/** Where commands may write without asking; null when the sandbox is what limits writes. */
export interface WriteLimits {
  workspace: string;
  /** Folders besides the workspace (the command's temporary folder, `sandbox.paths.write`). */
  writable: readonly string[];
  /** The command's own home (`~`). */
  home?: string;
}

export interface BashPolicy {
  /** Patterns every command of a line must match; null when the definition does not limit Bash. */
  patterns: readonly string[] | null;
  writes: WriteLimits | null;
}

export type PermissionVerdict = { allowed: true } | (Extract<CommandVerdict, { allowed: false }> & { kind: 'command' | 'write' });

/**
 * What a command line needs a permission for, if anything: a command no pattern allows (inside
 * `$(...)`, `bash -c`, `eval` too), else a redirection writing outside the writable places. A line
 * that does not parse needs one only when the definition limits Bash.
 */
export function permissionVerdict(line: string, policy: BashPolicy): PermissionVerdict {
  if (policy.patterns !== null) {
    const verdict = commandAllowed(line, policy.patterns);
    if (!verdict.allowed) return { ...verdict, kind: 'command' };
  } else if (!commandAllowed(line, ['*']).allowed) {
    // Any command is allowed and the line's writes cannot be read: the sandbox (or nothing) decides.
    return { allowed: true };
  }
  if (policy.writes === null) return { allowed: true };
  const { workspace, writable, home } = policy.writes;
  const verdict = commandAllowed(line, ['*'], { workspace, writable, ...(home !== undefined ? { home } : {}) });
  return verdict.allowed ? verdict : { ...verdict, kind: 'write' };
}

/** The member's Bash patterns now: its definition's, the team file's `sandbox.allow`, and those allowed in the run. */
export function bashPatterns(member: MemberConfig, config: RunConfig, questions: readonly Question[]): string[] | null {
  if (!member.bashPatterns) return null;
  const allow = config.sandbox?.allow ?? {};
  return [...new Set([...member.bashPatterns, ...(allow['*'] ?? []), ...(allow[member.name] ?? []), ...allowedInRun(member.name, questions)])];
}

/** Patterns the person allowed this member for the rest of the run, from its answered permission questions. */
export function allowedInRun(member: string, questions: readonly Question[]): string[] {
  return questions.flatMap((q) => {
    if (q.kind !== 'permission' || q.askedBy !== member || q.status !== 'answered' || pickedValue(q) !== ALLOW_PATTERN) return [];
    const pattern = q.payload.context?.pattern;
    return pattern ? [pattern] : [];
  });
}

export interface PermissionScope {
  board: Board;
  runId: number;
  member: MemberConfig;
  config: RunConfig;
  /** The Bash call asking: its questions are found again by it after an answer or a crash. */
  toolUseId: string | undefined;
  taskId: number | null;
  writes: WriteLimits | null;
}

/**
 * The decision for a refused command line: from the call's answered question, or pending on a new
 * (or still open) one. After "allow this pattern" the line is checked again, so a second command the
 * pattern does not cover is asked about too; "allow once" lets the whole line run this time.
 */
export async function decidePermission(scope: PermissionScope, request: PermissionRequest): Promise<PermissionDecision> {
  const { board, runId, member } = scope;
  const questions = (await board.listQuestions(runId)).filter((q) => q.kind === 'permission' && q.askedBy === member.name);
  const mine = scope.toolUseId === undefined ? [] : questions.filter((q) => q.toolUseId === scope.toolUseId);
  let patterns = bashPatterns(member, scope.config, questions);
  const seen = new Set<string>();
  for (;;) {
    const verdict = permissionVerdict(request.commandLine, { patterns, writes: scope.writes });
    if (verdict.allowed) return { allowed: true };
    const item = questionItem(member.name, verdict);
    // The person allowed a pattern for this very command and it still does not match: they meant it to run.
    if (seen.has(item.question)) return { allowed: true };
    seen.add(item.question);
    const asked = mine.filter((q) => q.payload.questions[0]?.question === item.question).at(-1);
    if (!asked) {
      const question = await board.askQuestion(
        runId,
        { kind: 'permission', askedBy: member.name, taskId: scope.taskId, toolUseId: scope.toolUseId ?? null, payload: permissionPayload(request.commandLine, verdict, item, scope.taskId) },
        memberActor(member.name, member.role),
      );
      return { allowed: false, pending: true, questionId: question.id };
    }
    if (asked.status === 'open') return { allowed: false, pending: true, questionId: asked.id };
    if (asked.status === 'cancelled') return { allowed: false, reason: `the permission question q${asked.id} was cancelled before anyone answered it` };
    const choice = pickedValue(asked);
    if (choice === ALLOW_ONCE) return { allowed: true };
    const pattern = asked.payload.context?.pattern;
    if (choice === ALLOW_PATTERN) {
      if (patterns === null || pattern === undefined) return { allowed: true };
      patterns = [...patterns, pattern];
      continue;
    }
    return { allowed: false, reason: answerNote(asked) ?? 'no reason given', by: deciderOf(asked.answeredBy) };
  }
}

function questionItem(member: string, verdict: Extract<PermissionVerdict, { allowed: false }>): QuestionItem {
  const part = clip(verdict.command, MAX_PART_CHARS);
  const pattern = verdict.suggestedPattern;
  const question = verdict.kind === 'write' ? `Allow ${member} to write outside the workspace (${part})?` : `Allow ${member} to run \`${part}\`?`;
  return {
    question,
    header: PERMISSION_HEADER,
    multiSelect: false,
    options: [
      { label: 'Allow once', value: ALLOW_ONCE, description: 'Run this command line this one time; ask again next time.' },
      ...(pattern !== null && verdict.kind === 'command'
        ? [{ label: 'Allow for the run', value: ALLOW_PATTERN, description: `Allow Bash(${pattern}) to ${member} until the run ends, and run it.` }]
        : []),
      { label: 'Deny', value: DENY, description: `Do not run it; a note ("deny: why") is the reason ${member} reads.` },
    ],
  };
}

function permissionPayload(commandLine: string, verdict: Extract<PermissionVerdict, { allowed: false }>, item: QuestionItem, taskId: number | null): QuestionPayload {
  const offersPattern = item.options.some((o) => o.value === ALLOW_PATTERN);
  return {
    questions: [item],
    context: {
      ...(taskId !== null ? { taskId } : {}),
      cause: verdict.kind === 'write' ? `${verdict.reason}, and no sandbox keeps it there` : verdict.reason,
      command: clip(commandLine, MAX_COMMAND_CHARS),
      ...(offersPattern && verdict.suggestedPattern !== null ? { pattern: verdict.suggestedPattern } : {}),
    },
  };
}

/** Who decided, as the agent reads it after "permission denied by". */
function deciderOf(by: AnsweredBy | null): string | undefined {
  if (by === 'human') return 'the person at the board';
  if (by === 'cli') return 'the person (team answer)';
  if (by === 'auto') return '--auto-answer';
  if (by === 'tape') return 'a replayed tape';
  return undefined;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** What --auto-answer picks: the recommended options, except deny for a permission (nobody was asked). */
export function autoAnswers(question: Pick<Question, 'kind' | 'payload'>): Answers {
  if (question.kind !== 'permission') return recommendedAnswers(question.payload);
  return question.payload.questions.map((item) => {
    const deny = item.options.find((o) => o.value === DENY) ?? item.options[item.options.length - 1];
    return { question: item.question, picked: deny ? [deny.label] : [], text: AUTO_DENY_NOTE };
  });
}

/**
 * Bash calls of the turn that wait for a permission, or just got one: taken back from `started` so
 * the call runs again and acts on the answer (it never ran its command while it waited). After a
 * crash only calls whose question is still open, or the one the turn was waiting for, are safe:
 * another answered call may already have run its command, and is reported as interrupted.
 */
export function reopenPermissionCalls(partial: PartialTurn, questions: readonly Question[], afterCrash: boolean): void {
  for (const block of partial.assistant.content) {
    if (block.type !== 'tool_use' || block.name !== 'Bash') continue;
    const id = block.id;
    if (partial.results[id] || !partial.started.includes(id)) continue;
    const asked = questions.filter((q) => q.kind === 'permission' && q.toolUseId === id).at(-1);
    if (!asked) continue;
    if (afterCrash && asked.status !== 'open' && partial.question?.useId !== id) continue;
    partial.started = partial.started.filter((started) => started !== id);
    if (partial.question?.useId === id) partial.question = null;
  }
}
