// Group commit for the stores: writes that arrive while one is in flight wait, and then go to the database
// together, one transaction for many requests, each request still answered with its own results. There is
// no timer: a lone write starts at once, and under load a group holds whatever queued during the last write.

/** One member's outcome in a group write: its results, or the error that failed it alone. */
export type Settled<T, E = unknown> = { ok: true; value: T } | { ok: false; error: E };

export interface WriteGroupOptions {
  /** A group stops taking members once it holds this many items (a bigger member still goes, alone). */
  maxItems: number;
  /** Group writes in flight at once. */
  concurrency: number;
}

export interface WriteGroupStats {
  /** Group writes started. */
  groups: number;
  /** Submissions written (each its own request). */
  members: number;
  /** The largest group, in members. */
  largest: number;
}

interface Waiting<Member, Result> {
  member: Member;
  size: number;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * `write` gets the members of a group and answers each one's outcome in the same order; when it throws,
 * every member of the group fails with that error. Members are written in the order they were submitted.
 */
export class WriteGroups<Member, Result> {
  readonly stats: WriteGroupStats = { groups: 0, members: 0, largest: 0 };
  readonly #write: (members: Member[]) => Promise<Array<Settled<Result>>>;
  readonly #options: WriteGroupOptions;
  readonly #queue: Array<Waiting<Member, Result>> = [];
  #inFlight = 0;

  constructor(write: (members: Member[]) => Promise<Array<Settled<Result>>>, options: WriteGroupOptions) {
    this.#write = write;
    this.#options = options;
  }

  /** `size` is the member's item count, for maxItems. */
  submit(member: Member, size: number): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ member, size, resolve, reject });
      this.#start();
    });
  }

  #start(): void {
    while (this.#inFlight < this.#options.concurrency && this.#queue.length > 0) {
      let items = this.#queue[0]!.size;
      let count = 1;
      while (count < this.#queue.length && items + this.#queue[count]!.size <= this.#options.maxItems) {
        items += this.#queue[count]!.size;
        count += 1;
      }
      const group = this.#queue.splice(0, count);
      this.stats.groups += 1;
      this.stats.members += group.length;
      this.stats.largest = Math.max(this.stats.largest, group.length);
      this.#inFlight += 1;
      void this.#run(group);
    }
  }

  async #run(group: Array<Waiting<Member, Result>>): Promise<void> {
    try {
      const outcomes = await this.#write(group.map((waiting) => waiting.member));
      group.forEach((waiting, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined) waiting.reject(new Error('the group write answered fewer members than it was given'));
        else if (outcome.ok) waiting.resolve(outcome.value);
        else waiting.reject(outcome.error);
      });
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    } finally {
      this.#inFlight -= 1;
      this.#start();
    }
  }
}

/** Runs each member on its own, so that one that fails fails alone (the fallback after a group fails). */
export async function eachOnItsOwn<Member, Result>(members: readonly Member[], write: (member: Member) => Promise<Result>): Promise<Array<Settled<Result>>> {
  const outcomes: Array<Settled<Result>> = [];
  for (const member of members) {
    try {
      outcomes.push({ ok: true, value: await write(member) });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}
