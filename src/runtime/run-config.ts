import type { RunConfig } from '../../db/schema.js';

export interface MemberConfig {
  name: string;
  agent: string;
  role: string;
  model: string;
  /** The agent definition's body: the member's own instructions. */
  instructions: string;
  /** Tool names the member gets (board tools are always added). */
  tools: string[];
  /** `Bash(...)` patterns when the definition limits Bash to some commands. */
  bashPatterns?: string[];
}

export interface GateConfig {
  before: string;
  kind: 'metric' | 'approval';
  task?: string;
  metric?: string;
  min?: number;
  max?: number;
  beat_baseline?: boolean;
  retrain?: string[];
  question?: string;
}

/** What a run keeps of its team, so a resume does not depend on files that may have changed. */
export interface TeamRunConfig extends RunConfig {
  team: string;
  description: string;
  members: MemberConfig[];
  gates: GateConfig[];
  teamFile: string;
}

export function asTeamConfig(config: RunConfig): TeamRunConfig {
  return {
    team: 'ad-hoc',
    description: '',
    members: [],
    gates: [],
    teamFile: '',
    ...config,
  } as TeamRunConfig;
}
