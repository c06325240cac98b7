import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new directory for a bench's data (a blob store, a database), made in `<parent>/atelier-bench/`.
 *
 * That directory is given ext4's top-directory flag (`chattr +T`) where the file system takes it, so the kernel puts
 * each directory made in it in a block group of its own choosing rather than next to its parent. Why: on a
 * journal-less ext4 (this project's test VM) the kernel skips inodes freed in the last one to six minutes when it
 * allocates one, looking each up in the inode table (recently_deleted in find_inode_bit), and a new file's inode is
 * sought in its directory's group from the start. A bench started within minutes of another's cleanup, or of a test
 * run's, in the same group paid for every file it created: ~0.9 ms more per blob put in bench:thumbnails, which was
 * more than the pipeline's whole cost per image. A server does not delete thousands of files a minute before each
 * burst of uploads; a journalled ext4 (the usual one) does not make the check at all.
 */
export function benchDataDir(name: string, parent = tmpdir()): string {
  const home = join(parent, 'atelier-bench');
  mkdirSync(home, { recursive: true });
  // Best effort: chattr may be missing, or the file system (tmpfs, xfs) may not know the flag; nothing depends on it.
  spawnSync('chattr', ['+T', home], { stdio: 'ignore' });
  return mkdtempSync(join(home, `${name}-`));
}
