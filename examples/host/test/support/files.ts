import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file under `dir`, recursively: what a leak scan of DATA_DIR reads. */
export const filesUnder = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if ((await stat(p)).isFile()) out.push(p);
  }
  return out;
};
