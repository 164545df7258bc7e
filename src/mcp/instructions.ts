import type { Run } from '../board/types.js';

/**
 * What the MCP client is told when it connects (the protocol's server instructions): who it is on
 * the team and how the board works for a member that teamboard does not run.
 */
export function mcpInstructions(run: Run, name: string, role: string): string {
  const { config } = run;
  const members = config.members.map((m) => `- ${m.name}: ${m.role}${m.name === name ? ' (you)' : m.external ? ' (over MCP)' : ''}`).join('\n');
  const pipeline = config.pipeline.length ? config.pipeline.join(' -> ') : '(no stages)';
  return `You are "${name}", a member of team ${config.team} (run ${run.id}) with the role ${role}, working its shared task board through these tools.
${config.description ? `Goal: ${config.description.trim()}\n` : ''}Members:
${members}
Pipeline, in order: ${pipeline}
The run's workspace (where the team's files are): ${run.workspace}

How the board works:
- TaskList shows every task; TaskGet gives one in full (its description is the instructions). Work only on tasks you have claimed.
- Claim with TaskUpdate {taskId, status: "in_progress"}: a task that is pending, unowned (or yours), with an empty blockedBy, no closed gate, and role "${role}" or none. Take the first one that TaskList with no input lists: the team's planned order, then lowest id. The board refuses a claim that breaks a rule and says why.
- Do the work with your own tools in the workspace above. Record results with TaskUpdate {metadata: {...}} (numbers under metadata.metrics), then set status "completed".
- Decisions that belong to the person go through AskUserQuestion; tell teammates what they need with SendMessage.
- Nobody can wake you: messages and late answers come with your next tool result under "inbox". When you run out of work, call TeamInbox and TaskList again after a short while instead of ending.
- While you hold a task, this server keeps your seat alive; if it stops (your client exits), your in-progress tasks go back to the pool.`;
}
