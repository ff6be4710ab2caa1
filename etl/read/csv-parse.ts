// An incremental RFC 4180 parser: text goes in a chunk at a time, whole records
// come out. Its state (the record and field being read) carries over from one
// chunk to the next, so no text is parsed twice: a 50 MB field costs what 50 MB
// of short fields cost, where re-parsing the unfinished tail of every chunk
// (papaparse's `ignoreLastRow`) grew with the square of the field's length.
// Line breaks may be CRLF, LF or CR, mixed in one file (a header saved with CRLF
// and rows appended with LF is common); every record knows the physical line it
// starts on and how many line breaks its quoted fields hold, so the reader can
// account for every line of the file.

/** Excel's own limit on the characters of a cell; a longer field rejects its row. */
export const MAX_FIELD_CHARS = 32_767;

export interface CsvRecord {
  fields: string[];
  /** Physical line (1-based) the record starts on. */
  line: number;
  /** Lines the record takes: 1 plus the line breaks inside its quoted fields. */
  lines: number;
  /** The first field longer than MAX_FIELD_CHARS (kept cut to that length) and its real length; -1 when none. */
  longField: number;
  longLength: number;
}

/** A file whose quoting makes it impossible to tell where records end. */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: a doubled quote or the field's end, decided by the next character. */
  QuoteInQuoted,
  /** A record ended with CR: a LF right after it belongs to the same line break. */
  AfterCr,
}

export class CsvParser {
  private readonly delimiter: number;
  private state = State.FieldStart;
  private fields: string[] = [];
  /** The current field's text from earlier chunks (or before a doubled quote), at most MAX_FIELD_CHARS. */
  private part = '';
  /** The current field's real length so far. */
  private partLength = 0;
  /** Physical line the parser is on. */
  private line = 1;
  private recordLine = 1;
  private longField = -1;
  private longLength = 0;
  private quoteLine = 1;
  /** Inside a quoted field: the last character was CR (a LF after it is the same line break). */
  private lastCr = false;

  constructor(delimiter: ',' | '\t' = ',') {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Parses `text` (the next chunk), appending the records it completes to `out`. */
  push(text: string, out: CsvRecord[]): void {
    const n = text.length;
    const delimiter = this.delimiter;
    let i = 0;
    let start = 0;
    let state = this.state;
    while (i < n) {
      switch (state) {
        case State.AfterCr:
          if (text.charCodeAt(i) === LF) i++;
          state = State.FieldStart;
          break;
        case State.FieldStart:
          if (text.charCodeAt(i) === QUOTE) {
            state = State.Quoted;
            this.quoteLine = this.line;
            this.lastCr = false;
            i++;
          } else state = State.Unquoted;
          start = i;
          break;
        case State.Unquoted: {
          let c = 0;
          while (i < n) {
            c = text.charCodeAt(i);
            if (c === delimiter || c === LF || c === CR) break;
            i++;
          }
          if (i === n) {
            this.keep(text, start, n);
            break;
          }
          this.endField(text, start, i);
          i++;
          if (c === delimiter) state = State.FieldStart;
          else {
            this.endRecord(out);
            state = c === CR ? State.AfterCr : State.FieldStart;
          }
          break;
        }
        case State.Quoted: {
          let j = text.indexOf('"', i);
          if (j < 0) j = n;
          this.countBreaks(text, i, j);
          this.keep(text, start, j);
          if (j === n) {
            i = n;
            break;
          }
          i = j + 1;
          state = State.QuoteInQuoted;
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            // a doubled quote is one quote of the value
            this.keep('"', 0, 1);
            this.lastCr = false;
            i++;
            start = i;
            state = State.Quoted;
          } else if (c === delimiter || c === LF || c === CR) {
            this.endField(text, i, i);
            i++;
            if (c === delimiter) state = State.FieldStart;
            else {
              this.endRecord(out);
              state = c === CR ? State.AfterCr : State.FieldStart;
            }
          } else {
            throw new CsvSyntaxError(this.line, `第 ${this.line} 行：引号括起的值结束后应为分隔符或换行，却是"${text[i]}"（值中的引号应写成两个引号 ""）`);
          }
          break;
        }
      }
    }
    this.state = state;
  }

  /** The end of the text: completes the last record (which may lack a line break). */
  end(out: CsvRecord[]): void {
    switch (this.state) {
      case State.Quoted:
        throw new CsvSyntaxError(this.quoteLine, `第 ${this.quoteLine} 行：引号没有闭合（从这里起到文件末尾都被当成了一个值）`);
      case State.QuoteInQuoted:
      case State.Unquoted:
        this.endField('', 0, 0);
        this.endRecord(out);
        break;
      case State.FieldStart:
        // "a,b," at the very end: the last field is empty
        if (this.fields.length > 0) {
          this.endField('', 0, 0);
          this.endRecord(out);
        }
        break;
      case State.AfterCr:
        break;
    }
    this.state = State.AfterCr;
  }

  /** Lines seen so far, counting a last line without a line break. */
  get linesRead(): number {
    return this.line - 1;
  }

  private keep(text: string, from: number, to: number): void {
    if (to <= from) return;
    const room = MAX_FIELD_CHARS - this.part.length;
    if (room > 0) this.part += to - from <= room ? text.slice(from, to) : text.slice(from, from + room);
    this.partLength += to - from;
  }

  private endField(text: string, from: number, to: number): void {
    let value: string;
    let length: number;
    if (this.partLength === 0) {
      value = text.slice(from, to);
      length = to - from;
    } else {
      this.keep(text, from, to);
      value = this.part;
      length = this.partLength;
      this.part = '';
      this.partLength = 0;
    }
    if (length > MAX_FIELD_CHARS) {
      if (this.longField < 0) {
        this.longField = this.fields.length;
        this.longLength = length;
      }
      if (value.length > MAX_FIELD_CHARS) value = value.slice(0, MAX_FIELD_CHARS);
    }
    this.fields.push(value);
  }

  private endRecord(out: CsvRecord[]): void {
    out.push({ fields: this.fields, line: this.recordLine, lines: this.line - this.recordLine + 1, longField: this.longField, longLength: this.longLength });
    this.fields = [];
    this.longField = -1;
    this.longLength = 0;
    // the next line (a last record without a line break still took its line)
    this.line++;
    this.recordLine = this.line;
  }

  /** Line breaks inside a quoted field: CRLF, LF or CR each count once. */
  private countBreaks(text: string, from: number, to: number): void {
    let lastCr = this.lastCr;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === CR) {
        this.line++;
        lastCr = true;
      } else {
        if (c === LF && !lastCr) this.line++;
        lastCr = false;
      }
    }
    if (to > from) this.lastCr = lastCr;
  }
}
