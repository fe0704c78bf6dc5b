/** Accumulates generated source line by line with two-space indentation. */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text = ''): this {
    this.lines.push(text === '' ? '' : '  '.repeat(this.depth) + text);
    return this;
  }

  /** Writes `text` (usually ending in `{`) and indents what follows. */
  open(text: string): this {
    this.line(text);
    this.depth++;
    return this;
  }

  /** Dedents and writes `text` (usually `}`). */
  close(text = '}'): this {
    this.depth--;
    if (this.depth < 0) throw new Error('CodeWriter: close() without open()');
    return this.line(text);
  }

  /** Dedents for one line (`} else {`) and indents again. */
  middle(text: string): this {
    this.depth--;
    this.line(text);
    this.depth++;
    return this;
  }

  toString(): string {
    if (this.depth !== 0) throw new Error(`CodeWriter: ${this.depth} blocks left open`);
    return this.lines.join('\n') + '\n';
  }
}

/** A TSDoc comment body made safe to embed (no early `*\/`). */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
}
