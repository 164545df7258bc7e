import type { Backend } from '../board/types.js';
import type { Model } from '../models/model.js';
import { createSimModel } from '../models/sim.js';
import { createAnthropicModel } from '../models/anthropic.js';
import { createReplayModel } from '../models/replay.js';
import { wrapWithRecorder } from '../models/recording.js';
import type { Tape } from '../models/tape.js';
import type { Clock } from '../shared/clock.js';
import { BoardError } from '../board/errors.js';

export interface ModelChoice {
  backend: Backend;
  seed: number;
  clock: Clock;
  speed: number;
  instant: boolean;
  failRate?: number;
  env: NodeJS.ProcessEnv;
  replayTape?: Tape;
  recordTape?: Tape;
}

export function createModel(choice: ModelChoice): Model {
  const model = baseModel(choice);
  return choice.recordTape ? wrapWithRecorder(model, choice.recordTape) : model;
}

function baseModel(choice: ModelChoice): Model {
  if (choice.backend === 'sim') {
    return createSimModel({ seed: choice.seed, clock: choice.clock, speed: choice.speed, instant: choice.instant, ...(choice.failRate ? { failureRate: choice.failRate } : {}) });
  }
  if (choice.backend === 'replay') {
    if (!choice.replayTape) throw new BoardError('invalid', '--backend replay needs --tape FILE (a tape written by `team start ... --record FILE`)');
    return createReplayModel(choice.replayTape);
  }
  if (!choice.env.ANTHROPIC_API_KEY) {
    throw new BoardError('invalid', '--backend anthropic needs ANTHROPIC_API_KEY; set it, or use --backend sim for a free simulated run');
  }
  return createAnthropicModel({ apiKey: choice.env.ANTHROPIC_API_KEY, ...(choice.env.ANTHROPIC_BASE_URL ? { baseURL: choice.env.ANTHROPIC_BASE_URL } : {}) });
}
