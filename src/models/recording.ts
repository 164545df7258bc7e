import type { Model } from './model.js';
import type { Tape } from './tape.js';

/** The same model, with every response appended to the tape (per member, in call order). Failed calls are not recorded. */
export function wrapWithRecorder(model: Model, tape: Tape): Model {
  return {
    backend: model.backend,
    async send(request, onEvent) {
      const response = await model.send(request, onEvent);
      tape.recordResponse(request, response);
      return response;
    },
  };
}
