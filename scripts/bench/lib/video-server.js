// The video benchmark's server, in a process of its own so that its CPU time — with that of the
// ffprobe/ffmpeg children it waits for — can be read from /proc. A throwaway server (SQLite + disk
// in a temp folder, every role in this process: API and the video and photo workers) on the
// embedded defaults. Prints `{"url": …}` on one line once it listens; stops when its stdin closes.
import { startEphemeralServer } from '@aperture/server';

const server = await startEphemeralServer();
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  server.stop().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
