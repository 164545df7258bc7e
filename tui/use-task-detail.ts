import { useEffect, useState } from 'react';
import type { Board } from '../src/board/board.js';
import type { DetailData } from './task-detail.js';

/**
 * The task shown in the detail view and its history, read again whenever the board moved
 * (`version` changes with every new snapshot). The last detail read stays up while the next is
 * in flight; a read that finishes after the view moved on (or unmounted) is dropped.
 */
export function useTaskDetail(board: Board, runId: number, taskId: number | null, version: unknown): { detail: DetailData | null; error: string | null } {
  const [state, setState] = useState<{ detail: DetailData | null; error: string | null }>({ detail: null, error: null });
  useEffect(() => {
    if (taskId === null) {
      setState((s) => (s.detail === null && s.error === null ? s : { detail: null, error: null }));
      return;
    }
    let current = true;
    Promise.all([board.getTaskDetail(runId, taskId), board.taskHistory(runId, taskId)]).then(
      ([task, history]) => {
        if (current) setState({ detail: task ? { task, history } : null, error: null });
      },
      (error: unknown) => {
        if (current) setState((s) => ({ ...s, error: `cannot read task #${taskId}: ${error instanceof Error ? error.message : String(error)}` }));
      },
    );
    return () => {
      current = false;
    };
  }, [board, runId, taskId, version]);
  // A detail left over from another task is never shown for this one.
  const detail = state.detail !== null && state.detail.task.id === taskId ? state.detail : null;
  return { detail, error: state.error };
}
