import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';

/*
 * The floor to compare Atelier's upload with: a bare Node HTTP server that only hashes the body, writes it to a file
 * and fsyncs it (no auth, no database, no content addressing). Prints its port on stdout.
 */
const out = process.argv[2] ?? '/tmp/atelier-bare-ingest.bin';
const server = createServer((req, res) => {
  const hash = createHash('sha256');
  const file = createWriteStream(out);
  req.on('data', (d: Buffer) => hash.update(d));
  req.pipe(file);
  file.on('finish', () => {
    void (async () => {
      const fh = await open(out, 'r');
      await fh.sync();
      await fh.close();
      res.end(hash.digest('hex'));
    })();
  });
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a ? a.port : 0}\n`);
});
