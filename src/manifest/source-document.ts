import type { Document, LineCounter } from 'yaml';

/** One YAML document of a file, kept with what is needed to point back into its text. */
export interface SourceDocument {
  /** The file as shown to the user. */
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data; safe to validate (no cycles, no prototype keys, bounded size). */
  value: unknown;
}
