import { ServiceThreads } from './service-threads.js';

/*
 * The blob stores' threads: SHA-256 of large bodies (hash-thread.ts) and the disk store's durable file-system steps
 * (durable-fs.ts), in one pool, so a process that needs both (an upload: hash its batches, then rename the file into
 * place) runs one thread, not two (each thread is a V8 isolate: several MB of memory). Up to four threads, started
 * as needed: a request goes to an idle thread first, so one upload's hashing does not hold up another put's fsync.
 *
 * Plain CommonJS evaluated in the worker (see service-threads.ts). A hash keeps to the thread it started on.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { dirname } = require('node:path');

const hashes = new Map();

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

const fail = (m, err) =>
  parentPort.postMessage({ key: m.key, error: { message: err.message, code: err.code, syscall: err.syscall, path: err.path, errno: err.errno } });

parentPort.on('message', (m) => {
  try {
    switch (m.op) {
      case 'update': {
        let h = hashes.get(m.id);
        if (!h) {
          h = createHash('sha256');
          hashes.set(m.id, h);
        }
        h.update(new Uint8Array(m.buffer, m.offset, m.length));
        parentPort.postMessage({ key: m.key });
        return;
      }
      case 'digest': {
        const h = hashes.get(m.id) ?? createHash('sha256');
        hashes.delete(m.id);
        parentPort.postMessage({ key: m.key, hex: h.digest('hex') });
        return;
      }
      case 'drop':
        hashes.delete(m.id);
        return;
      case 'store':
        store(m.tmp, new Uint8Array(m.data), m.to);
        break;
      case 'rename':
        renameDurably(m.from, m.to);
        break;
      case 'fsyncDir':
        fsyncPath(m.path);
        break;
      default:
        throw new Error('unknown op ' + m.op);
    }
    parentPort.postMessage({ key: m.key });
  } catch (err) {
    fail(m, err);
  }
});
`;

export const blobThreads = new ServiceThreads(WORKER_SOURCE, 4);
