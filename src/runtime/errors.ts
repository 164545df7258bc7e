/** The run cannot start or go on; the message says why and what to do. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

/** Another process took the run over (this one stopped beating for too long): this one lets go without changing the run. */
export class DriveLostError extends Error {
  override name = 'DriveLostError';
}

/** Why a run is being stopped, when it is not the person at the terminal: the message is the run's recorded reason. */
export class StopRequest extends Error {
  override name = 'StopRequest';
}
