import type { MemberConfig, RunConfig } from '../board/types.js';

/**
 * The member's system prompt: its own instructions, then the team context. It depends only on
 * the run's configuration, so it is byte-identical on every turn (the prompt-cache prefix).
 */
export function systemPrompt(member: MemberConfig, config: RunConfig): string {
  const others = config.members.map((m) => `- ${m.name}: ${m.role}${m.name === member.name ? ' (you)' : ''}`).join('\n');
  const gates = config.gates.length ? config.gates.map(gateLine).join('\n') : '- none';
  const pipeline = config.pipeline.length ? config.pipeline.join(' -> ') : '(no stages)';
  return `${member.instructions.trim()}

---
# Your team
You are "${member.name}", a member of team ${config.team} with the role ${member.role}.
${config.description ? `Goal: ${config.description.trim()}\n` : ''}
Members:
${others}

Pipeline, in order: ${pipeline}
Gates:
${gates}

# How the board works
- TaskList with no input shows your unfinished tasks, the tasks you may claim now in the order to take them (the team's planned order, then lowest id) and how many tasks are in each status and stage. To see other tasks, give it a status, stage and/or owner filter; a long listing comes a page at a time: pass its nextCursor back as cursor. TaskGet gives one task in full. Work only on tasks you have claimed.
- Claim with TaskUpdate {taskId, status: "in_progress"}. You may claim a task when it is pending, has no owner (or you), its blockedBy list is empty, no gate is closed on it, and its role is "${member.role}" or unset. Take the first one listed.
- A task in a later stage waits for every unfinished task of earlier stages, and a gate must pass before its stage starts. The board refuses a claim that breaks these rules and says why.
- Do the work with the workspace tools. Paths are relative to the run's workspace, which is your current directory; you cannot leave it.
- Record results on the task with TaskUpdate {metadata: {...}} (numbers under metadata.metrics), then set status "completed". Only the owner completes a task.
- Decisions that belong to the person (definitions, trade-offs, approvals) go through AskUserQuestion. Tell teammates what they need with SendMessage.
- When nothing is left for you, say so briefly and end your turn. You will be woken when a task you can claim appears, a message arrives or a question is answered.`;
}

function gateLine({ before, spec }: RunConfig['gates'][number]): string {
  if (spec.kind === 'approval') return `- Before ${before}: a person approves.`;
  const min = spec.min !== undefined ? ` >= ${spec.min}` : '';
  const max = spec.max !== undefined ? ` <= ${spec.max}` : '';
  const baseline = spec.beatBaseline ? ` and beat metrics.baseline_${spec.metric}` : '';
  return `- Before ${before}: ${spec.task} must record metrics.${spec.metric}${min}${max}${baseline}.`;
}

export const KICKOFF = 'The run has started. Check the board with TaskList and take the first task that is yours to do.';

export const RESUMED = 'The run was restarted after a stop. Check the board with TaskList (and TaskGet your own in-progress task, if any) before doing anything else.';
