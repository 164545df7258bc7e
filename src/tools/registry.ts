import { askUserQuestionTool } from './ask-user-question.js';
import { sendMessageTool } from './send-message.js';
import { taskCreateTool } from './task-create.js';
import { taskGetTool } from './task-get.js';
import { taskListTool } from './task-list.js';
import { taskUpdateTool } from './task-update.js';
import { workspaceTools } from './workspace-tools.js';
import type { Tool } from './tool.js';

/** Always given: the board and the team's voice. */
export const boardTools: readonly Tool[] = [taskListTool, taskGetTool, taskUpdateTool, taskCreateTool, askUserQuestionTool, sendMessageTool];

export const allTools: readonly Tool[] = [...boardTools, ...workspaceTools];

/** The tools for a member: the board tools plus the workspace tools its definition allows, in a stable order. */
export function toolsFor(allowed: readonly string[]): Tool[] {
  const names = new Set(allowed);
  return allTools.filter((t) => boardTools.includes(t) || names.has(t.name));
}
