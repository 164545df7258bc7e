export { DefinitionError } from './errors.js';
export {
  agentSearchPath,
  allowedTools,
  findAgent,
  listAgents,
  loadAgentFile,
  scanAgentDirectory,
  type AgentDefinition,
  type AgentDirectory,
  type AgentListEntry,
  type AgentListing,
  type AgentScan,
  type AgentSearchOptions,
  type AgentSource,
} from './agent-loader.js';
export {
  DEFAULT_MODEL_ALIASES,
  FALLBACK_DEFAULT_MODEL,
  configPath,
  costUsd,
  isModelAlias,
  isRecognisedModel,
  loadTeamConfig,
  priceFor,
  resolveModel,
  teamConfigSchema,
  type ModelAlias,
  type Price,
  type ResolveModelOptions,
  type TeamConfig,
  type TokenUsage,
} from './model-aliases.js';
export { BOARD_TOOLS, KNOWN_TOOLS, WORKSPACE_TOOLS } from './tool-names.js';
export {
  findCycles,
  findTeamFile,
  listTeams,
  loadTeam,
  teamSearchPath,
  validateTeamFile,
  type LoadedTeam,
  type ResolvedMember,
  type TeamListEntry,
  type TeamLoadOptions,
  type TeamSource,
} from './team-loader.js';
export {
  simStepSchema,
  simStepUnion,
  teamFileSchema,
  type AskSimStep,
  type MemberDefinition,
  type SimStep,
  type TaskDefinition,
  type TeamDefinition,
  type TeamGate,
} from './team-schema.js';
export { packageRoot } from '../shared/paths.js';
