import type Database from 'better-sqlite3';

/** A field's value as its column stores it (JSON columns as text). */
export type EncodeField = (field: string, value: unknown) => unknown;

/** Updates the given fields of one row: `where` is the key clause, whose values come last. */
export type RowUpdate = (table: string, names: Record<string, string>, where: string, keyValues: readonly unknown[], set: object) => void;

/** UPDATE statements prepared once per table, key and set of fields, the hot writes of both statement sets. */
export function rowUpdater(sqlite: Database.Database, encode: EncodeField): RowUpdate {
  const statements = new Map<string, Database.Statement<unknown[]>>();
  return (table, names, where, keyValues, set) => {
    const entries = Object.entries(set).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const id = `${table}:${where}:${entries.map(([name]) => name).join(',')}`;
    let statement = statements.get(id);
    if (!statement) {
      const assignments = entries.map(([name]) => `${columnIn(names, table, name)} = ?`).join(', ');
      statement = sqlite.prepare<unknown[]>(`UPDATE ${table} SET ${assignments} WHERE ${where}`);
      statements.set(id, statement);
    }
    statement.run(...entries.map(([name, value]) => encode(name, value)), ...keyValues);
  };
}

/** The column a field is stored in; a field without one is a programming error. */
export function columnIn(names: Record<string, string>, table: string, field: string): string {
  const column = names[field];
  if (column === undefined) throw new Error(`${table} has no column for ${field}`);
  return column;
}
