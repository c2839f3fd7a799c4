// Commit message trailers ("Key: value" lines in the closing paragraph), as git interprets them.

export interface Trailer {
  key: string;
  value: string;
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*\S)?[ \t]*$/;

/** Returns the trailers of a message: the last paragraph, when it is not the subject and holds trailer lines. */
export function parseTrailers(message: string): Trailer[] {
  const paragraphs = message.replace(/\r\n/g, '\n').trim().split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return [];
  const closing = paragraphs[paragraphs.length - 1]!.split('\n');
  const trailers: Trailer[] = [];
  let trailerLines = 0;
  for (const line of closing) {
    const match = TRAILER_LINE.exec(line);
    if (match && match[2] !== undefined) {
      trailers.push({ key: match[1]!, value: match[2] });
      trailerLines += 1;
    } else if (/^[ \t]+\S/.test(line) && trailers.length > 0) {
      // A folded continuation of the previous trailer's value.
      const previous = trailers[trailers.length - 1]!;
      previous.value = `${previous.value} ${line.trim()}`;
    }
  }
  // git requires at least a quarter of the paragraph to be trailers; most real blocks are all trailers.
  return trailerLines * 4 >= closing.length ? trailers : [];
}
