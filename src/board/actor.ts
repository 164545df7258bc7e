/** Who is acting on the board: an agent (member), a person (CLI or TUI), or the coordinator. */
export type Actor =
  | { kind: 'member'; name: string; role: string | null }
  | { kind: 'human'; via?: 'cli' | 'tui' }
  | { kind: 'coordinator' };

export const human: Actor = { kind: 'human', via: 'cli' };
export const coordinator: Actor = { kind: 'coordinator' };

export type MemberActor = Extract<Actor, { kind: 'member' }>;

export function memberActor(name: string, role: string | null): MemberActor {
  return { kind: 'member', name, role };
}

export function actorName(actor: Actor): string {
  if (actor.kind === 'member') return actor.name;
  return actor.kind;
}

/** People and the coordinator may override ownership rules; members may not. */
export function isPrivileged(actor: Actor): boolean {
  return actor.kind !== 'member';
}
