/**
 * Which of a client's replies may be sent yet: a reply goes out once the append-only file holds
 * what it acknowledges. Regions of the reply stream (by absolute byte offset) are marked with the
 * file position they wait for; the replies before the first region still waiting may be sent.
 */
export class ReplyMarks {
  private marks: { readonly start: number; readonly point: number }[] = [];

  /** The reply written from offset `start` on waits for file position `point` (0: for nothing). */
  add(start: number, point: number): void {
    if (point === 0) return;
    const last = this.marks.at(-1);
    // Positions only grow: a later reply waiting for no more than the one before it adds nothing.
    if (last !== undefined && last.point >= point) return;
    this.marks.push({ start, point });
  }

  /** The offset replies may be sent up to, given the durable position (Infinity: all of them). */
  limit(durable: number): number {
    let n = 0;
    while (n < this.marks.length && this.marks[n]!.point <= durable) n++;
    if (n > 0) this.marks.splice(0, n);
    return this.marks.length > 0 ? this.marks[0]!.start : Infinity;
  }

  /** The position the first reply held back waits for (0: none is). */
  get next(): number {
    return this.marks[0]?.point ?? 0;
  }
}
