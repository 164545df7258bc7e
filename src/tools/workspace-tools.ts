import { bashTool } from './bash.js';
import { editTool } from './edit.js';
import { globTool } from './glob.js';
import { grepTool } from './grep.js';
import { readTool } from './read.js';
import type { Tool } from './tool.js';
import { writeTool } from './write.js';

/** The tools that work on the run's workspace, confined to it (DESIGN.md §5). */
export const workspaceTools: readonly Tool[] = [readTool, writeTool, editTool, globTool, grepTool, bashTool];
