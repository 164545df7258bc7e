import { ModelError, type Model } from './model.js';
import { fingerprint, fingerprintDifference, type Tape } from './tape.js';

/**
 * A model that answers each member's turn with the response recorded on the tape for that turn.
 * Members are independent, so the order in which they run may differ from the recording; within
 * a member, a request that does not look like the recorded one is a loud error, never a guess.
 */
export function createReplayModel(tape: Tape): Model {
  const turns = new Map<string, number>();
  return {
    backend: 'replay',
    async send(request, onEvent) {
      if (request.signal?.aborted) throw request.signal.reason instanceof Error ? request.signal.reason : new DOMException('model call aborted', 'AbortError');
      const turn = turns.get(request.member) ?? 0;
      const recorded = tape.responses(request.member);
      const entry = recorded[turn];
      if (!entry) {
        const had = recorded.length === 0 ? `it has no turns for ${request.member}` : `it recorded ${recorded.length} turn${recorded.length === 1 ? '' : 's'} (0-${recorded.length - 1})`;
        throw new ModelError(`run diverged from tape at ${request.member} turn ${turn}: the tape has no more responses for ${request.member} (${had})`, undefined, false);
      }
      const difference = fingerprintDifference(entry.fingerprint, fingerprint(request));
      if (difference) throw new ModelError(`run diverged from tape at ${request.member} turn ${turn}: ${difference}`, undefined, false);
      turns.set(request.member, turn + 1);
      const response = structuredClone(entry.response);
      for (const block of response.content) if (block.type === 'text' && block.text) onEvent?.({ type: 'text_delta', text: block.text });
      return response;
    },
  };
}
