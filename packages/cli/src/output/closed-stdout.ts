// A reader that stops early (`coherence report | head`) closes our stdout. That is the reader's choice,
// not a failure: the process ends quietly with exit 0, as `git log | head` does.

export function endQuietlyWhenStdoutCloses(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    // Anything else is not ours to hide: let it surface as the stream error it is.
    throw error;
  });
}
