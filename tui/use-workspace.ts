import { useEffect, useState } from 'react';
import { existingFiles, listWorkspaceDir, type DirListing } from './workspace-files.js';

/**
 * Of the paths a question or a task mentions, the ones that are files in the workspace (checked on
 * disk, again when `version` moves: a file may appear while the run works).
 */
export function useNamedFiles(workspace: string, candidates: readonly string[], version: unknown): string[] {
  const key = candidates.join('\n');
  const [files, setFiles] = useState<{ key: string; files: string[] }>({ key: '', files: [] });
  useEffect(() => {
    if (key === '') {
      setFiles((f) => (f.key === '' && f.files.length === 0 ? f : { key: '', files: [] }));
      return;
    }
    let current = true;
    void existingFiles(workspace, key.split('\n')).then(
      (found) => {
        if (current) setFiles((f) => (f.key === key && f.files.join('\n') === found.join('\n') ? f : { key, files: found }));
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [workspace, key, version]);
  return files.key === key ? files.files : [];
}

/** A workspace folder's entries, read when the folder changes (null while reading). */
export function useListing(workspace: string, dir: string | null, version: unknown): DirListing | null {
  const [listing, setListing] = useState<DirListing | null>(null);
  useEffect(() => {
    if (dir === null) {
      setListing(null);
      return;
    }
    let current = true;
    void listWorkspaceDir(workspace, dir).then((l) => {
      if (current) setListing(l);
    });
    return () => {
      current = false;
    };
  }, [workspace, dir, version]);
  return listing !== null && dir !== null && listing.path === dir ? listing : null;
}
