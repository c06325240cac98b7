import { ServiceThreads } from './service-threads.js';

/*
 * The disk store's durable steps: a small file written whole, a rename made durable, a directory fsynced. They run
 * as synchronous calls on threads of their own, one message per step however many system calls it takes. As
 * promise-based fs calls, storing a rendered thumbnail took eight trips through libuv's pool (open, write, fsync,
 * close, rename, open, fsync, close), each waking a pool thread and then the event loop, on the same few pool
 * threads sharp renders on (bench/thumbnails). On the event loop itself they would stall it: creating or renaming a
 * file waits while another put's fsync commits. Up to four threads, so concurrent puts do not queue behind one
 * another's fsync.
 */

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname } = require('node:path');

function fsyncPath(path) {
  const fd = fs.openSync(path, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// Creates path (which must not exist) holding data, and fsyncs it.
function create(path, data) {
  const fd = fs.openSync(path, 'wx', 0o644);
  try {
    for (let done = 0; done < data.length; ) {
      done += fs.writeSync(fd, data, done, data.length - done);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// Renames from to to, making to's directory (and missing parents) when it is missing, and fsyncs every directory
// that gained an entry, so after a crash to is there or from still is.
function renameDurably(from, to) {
  const dir = dirname(to);
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if (err.code !== 'ENOENT') {
      throw err;
    }
    const first = fs.mkdirSync(dir, { recursive: true });
    fs.renameSync(from, to);
    // Each directory made is a new entry in its parent: fsync the parents, from dir's up to the first one made's.
    if (first !== undefined) {
      const top = dirname(first);
      for (let d = dirname(dir); ; d = dirname(d)) {
        fsyncPath(d);
        if (d === top || d === dirname(d)) {
          break;
        }
      }
    }
  }
  fsyncPath(dir);
}

function store(tmp, data, to) {
  try {
    try {
      create(tmp, data);
    } catch (err) {
      if (err.code !== 'ENOENT') {
        throw err;
      }
      // The temp directory was removed since the store made it: made again (not fsynced: nothing in it is durable).
      fs.mkdirSync(dirname(tmp), { recursive: true });
      create(tmp, data);
    }
    renameDurably(tmp, to);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

parentPort.on('message', (m) => {
  try {
    if (m.op === 'store') {
      store(m.tmp, new Uint8Array(m.data), m.to);
    } else if (m.op === 'rename') {
      renameDurably(m.from, m.to);
    } else if (m.op === 'fsyncDir') {
      fsyncPath(m.path);
    } else {
      throw new Error('unknown op ' + m.op);
    }
    parentPort.postMessage({ key: m.key });
  } catch (err) {
    parentPort.postMessage({ key: m.key, error: { message: err.message, code: err.code, syscall: err.syscall, path: err.path, errno: err.errno } });
  }
});
`;

const fsThreads = new ServiceThreads(WORKER_SOURCE, 4);

/**
 * Stores `data` at `to` durably: written to `tmp` (a new name in a temp directory on the same file system, made
 * again if it was removed) and fsynced, then renamed as renameDurably does. On failure `tmp` is removed.
 */
export async function storeSmallFile(tmp: string, data: Uint8Array, to: string): Promise<void> {
  // Copied once into a buffer of its own, which is then moved to the thread, not copied again: a Buffer can be a
  // view into a larger pool, all of which a structured clone would copy.
  const own = new Uint8Array(data.byteLength);
  own.set(data);
  await fsThreads.pick().call({ op: 'store', tmp, data: own.buffer, to }, [own.buffer]);
}

/** Makes a rename or a new entry in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  await fsThreads.pick().call({ op: 'fsyncDir', path: dir });
}

/**
 * Renames `from` to `to`, making `to`'s directory (and missing parents) first when it is missing, and fsyncs every
 * directory that gained an entry, so after a crash `to` is there or `from` still is.
 */
export async function renameDurably(from: string, to: string): Promise<void> {
  await fsThreads.pick().call({ op: 'rename', from, to });
}
